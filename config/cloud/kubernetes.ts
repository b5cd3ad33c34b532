import { type CloudTraits, EVICTION_BYTES, GIB, type MachineType, reservedCpuCores } from "./traits";

/**
 * Node shapes of a cluster the user already runs (on premises, kind, k3s, a cloud cluster made elsewhere):
 * the program cannot look its nodes up before it deploys, so the stack names the shape of its nodes and the
 * sizing rules check that a Prometheus pod fits on one, as they do for a cloud's machine types.
 */
const SHAPES: readonly { vcpu: number; gibPerVcpu: number }[] = [2, 4, 8, 16, 32, 64].flatMap((vcpu) =>
  [2, 4, 8].map((gibPerVcpu) => ({ vcpu, gibPerVcpu })),
);

/** The kubelet's default pod limit. */
const KUBELET_MAX_PODS = 110;

const MACHINE_TYPES: Record<string, MachineType> = Object.fromEntries(
  SHAPES.map(({ vcpu, gibPerVcpu }) => [
    `${vcpu}cpu-${vcpu * gibPerVcpu}gi`,
    { vcpu, memoryGiB: vcpu * gibPerVcpu, maxPods: KUBELET_MAX_PODS },
  ]),
);

/** What a kubeadm-style node reserves unless its kubelet says otherwise: the clouds' CPU formula and 10% of memory. */
const RESERVED_MEMORY_SHARE = 0.1;

export const KUBERNETES: CloudTraits = {
  nouns: {
    name: "Kubernetes",
    withArticle: "a Kubernetes",
    region: "a region name of your choosing",
    machineType: "a node shape such as 8cpu-32gi",
    databaseClass: "a database class",
  },
  // The cluster already exists wherever it is: the region is only the name the stack's labels carry.
  regions: [],
  regionPattern: {
    re: /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/,
    allowed: "a region name of your choosing: lower-case letters, digits and dashes, such as on-prem-1",
  },
  exampleRegion: "on-prem-1",
  // Only the schema reads them: the workloads spread over the nodes' own zone labels, whatever they are called.
  zoneName: (region, letter) => `${region}-zone-${letter}`,
  zoneLetters: {},
  defaultMachineType: "8cpu-32gi",
  machineTypes: MACHINE_TYPES,
  allocatable: (m) => ({
    cpuCores: m.vcpu - reservedCpuCores(m.vcpu),
    memoryBytes: m.memoryGiB * GIB * (1 - RESERVED_MEMORY_SHARE) - EVICTION_BYTES,
  }),
  // The database is the user's own PostgreSQL (kubernetes.database); no class is chosen here.
  defaultDatabaseClass: "existing",
  databaseClass: { re: /^existing$/, example: "existing" },
  ownKeys: [
    {
      path: ["kubernetes"],
      requiredAs:
        "the kubernetes section: the cluster's egress addresses and, per tier, the bucket or the database to use",
    },
  ],
  createsInfrastructure: false,
};
