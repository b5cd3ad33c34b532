/** The clouds a stack can run on, and the facts of each that config is checked against. */
import { AWS } from "./cloud/aws";
import type { CloudFacts, MachineType } from "./cloud/facts";
import { GCP } from "./cloud/gcp";

export const CLOUDS = ["aws", "gcp"] as const;
export type Cloud = (typeof CLOUDS)[number];

export const CLOUD_FACTS: Record<Cloud, CloudFacts> = { aws: AWS, gcp: GCP };

export function regionsOf(cloud: Cloud): readonly string[] {
  return CLOUD_FACTS[cloud].regions;
}

/** The cloud whose region list holds `region`, if any (used to say "that is a GCP region"). */
export function cloudOfRegion(region: string): Cloud | undefined {
  return CLOUDS.find((cloud) => CLOUD_FACTS[cloud].regions.includes(region));
}

/** Whether `zone` is a zone name of `region` on `cloud` (us-east-1a; europe-west1-b). */
export function zoneBelongsTo(cloud: Cloud, region: string, zone: string): boolean {
  return /^[a-z]$/.test(zone.slice(-1)) && CLOUD_FACTS[cloud].zoneName(region, zone.slice(-1)) === zone;
}

/** Three zones of the region, or none where the region has no three zones to offer. */
export function defaultZones(cloud: Cloud, region: string): string[] {
  const facts = CLOUD_FACTS[cloud];
  return (facts.zoneLetters[region] ?? ["a", "b", "c"]).map((letter) => facts.zoneName(region, letter));
}

export function machineTypeOf(cloud: Cloud, name: string): MachineType | undefined {
  return Object.hasOwn(CLOUD_FACTS[cloud].machineTypes, name) ? CLOUD_FACTS[cloud].machineTypes[name] : undefined;
}

/** The other cloud, for naming a value that belongs to it ("m6i.xlarge is an EC2 instance type"). */
export function otherCloud(cloud: Cloud): Cloud {
  return cloud === "aws" ? "gcp" : "aws";
}
