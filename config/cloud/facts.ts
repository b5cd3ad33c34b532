/** What a node of one machine type offers the pods scheduled on it. */
export interface MachineType {
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** Pods one node can run: the VPC CNI's ENI limit on AWS, GKE's per-node pod range on GCP. */
  readonly maxPods: number;
}

/** What is left for pods once the kubelet, the container runtime and eviction thresholds took their share. */
export interface Allocatable {
  readonly cpuCores: number;
  readonly memoryBytes: number;
}

/** The facts of one cloud that stack config is checked against; each cloud states its own in its own file. */
export interface CloudFacts {
  /** How the cloud's names read in a sentence. */
  readonly nouns: { readonly region: string; readonly machineType: string; readonly databaseClass: string };
  readonly regions: readonly string[];
  /** Zone names: AWS appends a letter to the region (us-east-1a), GCP a dash and a letter (europe-west1-b). */
  readonly zoneName: (region: string, letter: string) => string;
  /** Regions whose first three zones are not a, b and c; an empty list where the region has no three zones. */
  readonly zoneLetters: Readonly<Record<string, readonly string[]>>;
  readonly defaultMachineType: string;
  /** Machine types whose capacity the program knows, so it can tell whether a Prometheus pod fits on a node. */
  readonly machineTypes: Readonly<Record<string, MachineType>>;
  readonly allocatable: (machine: MachineType) => Allocatable;
  readonly defaultDatabaseClass: string;
  readonly databaseClass: { readonly re: RegExp; readonly example: string };
}

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/**
 * CPU the kubelet reserves, as both GKE and EKS compute it: 6% of the first core, 1% of the second, 0.5% of
 * the next two and 0.25% of every core above four.
 */
export function reservedCpuCores(vcpu: number): number {
  const tiers: [number, number][] = [[1, 0.06], [1, 0.01], [2, 0.005], [Infinity, 0.0025]];
  let left = vcpu;
  let reserved = 0;
  for (const [cores, share] of tiers) {
    const taken = Math.min(left, cores);
    reserved += taken * share;
    left -= taken;
  }
  return reserved;
}

/** The kubelet's default hard eviction threshold (memory.available < 100Mi), on both clouds. */
export const EVICTION_BYTES = 100 * MIB;

export { GIB, MIB };
