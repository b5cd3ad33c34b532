import { type CloudTraits, EVICTION_BYTES, GIB, type MachineType, reservedCpuCores } from "./traits";

/** GCE families a monitoring node pool plausibly runs on, with memory per vCPU. */
const FAMILIES: Record<string, { gibPerVcpu: number; sizes: readonly number[] }> = {
  "e2-standard": { gibPerVcpu: 4, sizes: [2, 4, 8, 16, 32] },
  "e2-highmem": { gibPerVcpu: 8, sizes: [2, 4, 8, 16] },
  "n2-standard": { gibPerVcpu: 4, sizes: [2, 4, 8, 16, 32, 48, 64] },
  "n2-highmem": { gibPerVcpu: 8, sizes: [2, 4, 8, 16, 32, 48, 64] },
  "n2d-standard": { gibPerVcpu: 4, sizes: [2, 4, 8, 16, 32, 48, 64] },
  "n2d-highmem": { gibPerVcpu: 8, sizes: [2, 4, 8, 16, 32, 48, 64] },
  "c3-standard": { gibPerVcpu: 4, sizes: [4, 8, 22, 44] },
};

/** GKE gives each node a /24 of the pods range and schedules at most 110 pods on it. */
const GKE_MAX_PODS = 110;

const MACHINE_TYPES: Record<string, MachineType> = Object.fromEntries(
  Object.entries(FAMILIES).flatMap(([family, { gibPerVcpu, sizes }]) =>
    sizes.map((vcpu) => [`${family}-${vcpu}`, { vcpu, memoryGiB: vcpu * gibPerVcpu, maxPods: GKE_MAX_PODS }]),
  ),
);

/** GKE's memory reservation: 25% of the first 4 GiB, 20% of the next 4, 10% of the next 8, 6% of the next 112, 2% above. */
function reservedMemoryBytes(memoryGiB: number): number {
  const tiers: [number, number][] = [
    [4, 0.25],
    [4, 0.2],
    [8, 0.1],
    [112, 0.06],
    [Infinity, 0.02],
  ];
  let left = memoryGiB;
  let reserved = 0;
  for (const [gib, share] of tiers) {
    const taken = Math.min(left, gib);
    reserved += taken * share;
    left -= taken;
  }
  return reserved * GIB;
}

export const GCP: CloudTraits = {
  nouns: {
    name: "GCP",
    withArticle: "a GCP",
    region: "a GCP region",
    machineType: "a GCE machine type",
    databaseClass: "a Cloud SQL tier",
  },
  regions: [
    "us-central1",
    "us-east1",
    "us-east4",
    "us-east5",
    "us-south1",
    "us-west1",
    "us-west2",
    "us-west3",
    "us-west4",
    "northamerica-northeast1",
    "northamerica-northeast2",
    "northamerica-south1",
    "southamerica-east1",
    "southamerica-west1",
    "europe-central2",
    "europe-north1",
    "europe-north2",
    "europe-southwest1",
    "europe-west1",
    "europe-west2",
    "europe-west3",
    "europe-west4",
    "europe-west6",
    "europe-west8",
    "europe-west9",
    "europe-west10",
    "europe-west12",
    "me-central1",
    "me-central2",
    "me-west1",
    "africa-south1",
    "asia-east1",
    "asia-east2",
    "asia-northeast1",
    "asia-northeast2",
    "asia-northeast3",
    "asia-south1",
    "asia-south2",
    "asia-southeast1",
    "asia-southeast2",
    "australia-southeast1",
    "australia-southeast2",
  ],
  exampleRegion: "europe-west1",
  zoneName: (region, letter) => `${region}-${letter}`,
  zoneLetters: { "europe-west1": ["b", "c", "d"], "us-east1": ["b", "c", "d"] },
  defaultMachineType: "e2-standard-4",
  machineTypes: MACHINE_TYPES,
  allocatable: (m) => ({
    cpuCores: m.vcpu - reservedCpuCores(m.vcpu),
    memoryBytes: m.memoryGiB * GIB - reservedMemoryBytes(m.memoryGiB) - EVICTION_BYTES,
  }),
  defaultDatabaseClass: "db-custom-2-7680",
  // Cloud SQL Enterprise tiers: custom (vCPUs, MiB), or the shared-core ones.
  databaseClass: { re: /^db-(custom-\d{1,2}-\d{3,6}|f1-micro|g1-small)$/, example: "db-custom-2-7680" },
  ownKeys: [
    {
      path: ["gcpProject"],
      requiredAs: "the ID of the GCP project that owns this stack (6-30 lower-case letters, digits and dashes)",
    },
    { path: ["cluster", "releaseChannel"] },
  ],
  createsInfrastructure: true,
};
