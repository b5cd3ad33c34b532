/**
 * The clouds a stack can run on: one table of each cloud's traits (config/cloud/<cloud>.ts). The list of
 * clouds is the table's keys, so a cloud added here is a compile error wherever a trait of it is missing,
 * and code elsewhere looks a trait up instead of asking which cloud it is on.
 */
import { AWS } from "./cloud/aws";
import { GCP } from "./cloud/gcp";
import { KUBERNETES } from "./cloud/kubernetes";
import type { CloudTraits, MachineType } from "./cloud/traits";

const TRAITS = { aws: AWS, gcp: GCP, kubernetes: KUBERNETES } as const satisfies Record<string, CloudTraits>;

export type Cloud = keyof typeof TRAITS;
export const CLOUD_TRAITS: Readonly<Record<Cloud, CloudTraits>> = TRAITS;
export const CLOUDS = Object.keys(TRAITS) as readonly Cloud[] as readonly [Cloud, ...Cloud[]];

/** Whether a stack on `cloud` may be in `region`: one of the cloud's regions, or a free name where it takes one. */
export function regionAllowed(cloud: Cloud, region: string): boolean {
  const traits = CLOUD_TRAITS[cloud];
  return traits.regionPattern ? traits.regionPattern.re.test(region) : traits.regions.includes(region);
}

/** What a region of `cloud` may be, in words. */
export function allowedRegions(cloud: Cloud): string {
  const traits = CLOUD_TRAITS[cloud];
  return traits.regionPattern?.allowed ?? `${traits.nouns.region}: ${traits.regions.join(", ")}`;
}

/** The cloud whose region list holds `region`, if any (used to say "that is a GCP region"). */
export function cloudOfRegion(region: string): Cloud | undefined {
  return CLOUDS.find((cloud) => CLOUD_TRAITS[cloud].regions.includes(region));
}

/** Whether `zone` is a zone name of `region` on `cloud` (us-east-1a; europe-west1-b). */
export function zoneBelongsTo(cloud: Cloud, region: string, zone: string): boolean {
  return /^[a-z]$/.test(zone.slice(-1)) && CLOUD_TRAITS[cloud].zoneName(region, zone.slice(-1)) === zone;
}

/** Three zones of the region, or none where the region has no three zones to offer. */
export function defaultZones(cloud: Cloud, region: string): string[] {
  const traits = CLOUD_TRAITS[cloud];
  return (traits.zoneLetters[region] ?? ["a", "b", "c"]).map((letter) => traits.zoneName(region, letter));
}

export function machineTypeOf(cloud: Cloud, name: string): MachineType | undefined {
  return Object.hasOwn(CLOUD_TRAITS[cloud].machineTypes, name) ? CLOUD_TRAITS[cloud].machineTypes[name] : undefined;
}

/** The clouds other than `cloud`, for naming a value that belongs to one of them ("m6i.xlarge is an EC2 instance type"). */
export function otherClouds(cloud: Cloud): Cloud[] {
  return CLOUDS.filter((other) => other !== cloud);
}

/** One phrase per cloud, for reference text: "m6i.xlarge (aws), e2-standard-4 (gcp)". */
export function perCloud(phrase: (traits: CloudTraits) => string, separator = ", "): string {
  return CLOUDS.map((cloud) => `${phrase(CLOUD_TRAITS[cloud])} (${cloud})`).join(separator);
}
