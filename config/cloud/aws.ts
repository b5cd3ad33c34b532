import { type CloudTraits, EVICTION_BYTES, GIB, MIB, type MachineType, reservedCpuCores } from "./traits";

/** EC2 families a monitoring node group plausibly runs on: memory per vCPU and the VPC CNI's max pods per size. */
const FAMILIES: Record<string, number> = {
  m5: 4,
  m6i: 4,
  m6a: 4,
  m7i: 4,
  m7g: 4,
  r6i: 8,
  r7i: 8,
  r6a: 8,
  c6i: 2,
  c7i: 2,
};
/** Pods per node from the VPC CNI's ENI limits (eni-max-pods.txt); the same for every family above. */
const SIZES: Record<string, { vcpu: number; maxPods: number }> = {
  large: { vcpu: 2, maxPods: 29 },
  xlarge: { vcpu: 4, maxPods: 58 },
  "2xlarge": { vcpu: 8, maxPods: 58 },
  "4xlarge": { vcpu: 16, maxPods: 234 },
  "8xlarge": { vcpu: 32, maxPods: 234 },
  "12xlarge": { vcpu: 48, maxPods: 234 },
  "16xlarge": { vcpu: 64, maxPods: 737 },
};

const MACHINE_TYPES: Record<string, MachineType> = {
  "t3.medium": { vcpu: 2, memoryGiB: 4, maxPods: 17 },
  "t3.large": { vcpu: 2, memoryGiB: 8, maxPods: 35 },
  "t3.xlarge": { vcpu: 4, memoryGiB: 16, maxPods: 58 },
  "t3.2xlarge": { vcpu: 8, memoryGiB: 32, maxPods: 58 },
  ...Object.fromEntries(
    Object.entries(FAMILIES).flatMap(([family, gibPerVcpu]) =>
      Object.entries(SIZES).map(([size, { vcpu, maxPods }]) => [
        `${family}.${size}`,
        { vcpu, memoryGiB: vcpu * gibPerVcpu, maxPods },
      ]),
    ),
  ),
};

export const AWS: CloudTraits = {
  nouns: {
    name: "AWS",
    withArticle: "an AWS",
    region: "an AWS region",
    machineType: "an EC2 instance type",
    databaseClass: "an RDS instance class",
  },
  // Commercial regions as of 2026; a region missing here is one line to add, not a code change elsewhere.
  regions: [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "ca-west-1",
    "mx-central-1",
    "sa-east-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
  ],
  exampleRegion: "us-east-1",
  zoneName: (region, letter) => `${region}${letter}`,
  // us-west-1 has two zones: its stack must list zones, and validation then asks for three.
  zoneLetters: { "ap-northeast-1": ["a", "c", "d"], "ca-central-1": ["a", "b", "d"], "us-west-1": [] },
  defaultMachineType: "m6i.xlarge",
  machineTypes: MACHINE_TYPES,
  // EKS AMIs reserve 255Mi plus 11Mi per pod the node can run (the bootstrap script's formula).
  allocatable: (m) => ({
    cpuCores: m.vcpu - reservedCpuCores(m.vcpu),
    memoryBytes: m.memoryGiB * GIB - (255 + 11 * m.maxPods) * MIB - EVICTION_BYTES,
  }),
  defaultDatabaseClass: "db.t4g.medium",
  databaseClass: {
    re: /^db\.[a-z][a-z0-9-]*\.(micro|small|medium|large|xlarge|\d+xlarge|metal)$/,
    example: "db.t4g.medium or db.r6g.large",
  },
  ownKeys: [],
  createsInfrastructure: true,
};
