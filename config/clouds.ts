/** The clouds a stack can run on, and what each one calls its regions and zones. */
export const CLOUDS = ["aws", "gcp"] as const;
export type Cloud = (typeof CLOUDS)[number];

// Commercial regions as of 2026; a region missing here is one line to add, not a code change elsewhere.
const REGIONS: Record<Cloud, readonly string[]> = {
  aws: [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1", "mx-central-1",
    "sa-east-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1",
    "eu-south-1", "eu-south-2", "il-central-1", "me-south-1", "me-central-1", "af-south-1",
    "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2",
    "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ap-northeast-1",
    "ap-northeast-2", "ap-northeast-3",
  ],
  gcp: [
    "us-central1", "us-east1", "us-east4", "us-east5", "us-south1", "us-west1", "us-west2", "us-west3",
    "us-west4", "northamerica-northeast1", "northamerica-northeast2", "northamerica-south1",
    "southamerica-east1", "southamerica-west1", "europe-central2", "europe-north1", "europe-north2",
    "europe-southwest1", "europe-west1", "europe-west2", "europe-west3", "europe-west4", "europe-west6",
    "europe-west8", "europe-west9", "europe-west10", "europe-west12", "me-central1", "me-central2",
    "me-west1", "africa-south1", "asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2",
    "asia-northeast3", "asia-south1", "asia-south2", "asia-southeast1", "asia-southeast2",
    "australia-southeast1", "australia-southeast2",
  ],
};

export function regionsOf(cloud: Cloud): readonly string[] {
  return REGIONS[cloud];
}

/** The cloud whose region list holds `region`, if any (used to say "that is a GCP region"). */
export function cloudOfRegion(region: string): Cloud | undefined {
  return CLOUDS.find((cloud) => REGIONS[cloud].includes(region));
}

/** AWS zones are the region plus a letter (us-east-1a); GCP zones the region, a dash and a letter (europe-west1-b). */
export function zoneBelongsTo(cloud: Cloud, region: string, zone: string): boolean {
  const suffix = cloud === "aws" ? /^[a-z]$/ : /^-[a-z]$/;
  return zone.startsWith(region) && suffix.test(zone.slice(region.length));
}

// Regions whose first three zones are not a, b and c. A region with fewer than three zones (AWS us-west-1)
// has no default: its stack must list zones, and validation then asks for three.
const ZONE_LETTERS: Record<Cloud, Record<string, readonly string[]>> = {
  aws: { "ap-northeast-1": ["a", "c", "d"], "ca-central-1": ["a", "b", "d"], "us-west-1": [] },
  gcp: { "europe-west1": ["b", "c", "d"], "us-east1": ["b", "c", "d"] },
};

/** Three zones of the region, or none where the region has no three zones to offer. */
export function defaultZones(cloud: Cloud, region: string): string[] {
  const letters = ZONE_LETTERS[cloud][region] ?? ["a", "b", "c"];
  return letters.map((z) => (cloud === "aws" ? `${region}${z}` : `${region}-${z}`));
}

export const DEFAULT_MACHINE_TYPE: Record<Cloud, string> = { aws: "m6i.xlarge", gcp: "e2-standard-4" };
