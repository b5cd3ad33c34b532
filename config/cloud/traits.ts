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

/** Reports a config key and what it allows (config/rules.ts turns it into the stack's ConfigError). */
export type FailAt = (path: readonly PropertyKey[], allowed: string) => never;

/**
 * The facts of one cloud a stack's config is checked against, each cloud in its own file
 * (config/cloud/<cloud>.ts) and all of them in one table (config/clouds.ts): a trait missing for a cloud is a
 * compile error there, and no other file asks which cloud it is on. What the builders do on a cloud (load
 * balancers, address plans, object stores) is builders/cloud/platforms.ts'.
 */
export interface CloudTraits {
  /** How the cloud's names read in a sentence (error messages and reference text). */
  readonly nouns: {
    /** The cloud's name: "AWS". */
    readonly name: string;
    /** Its name with the article a sentence puts before it: "an AWS". */
    readonly withArticle: string;
    readonly region: string;
    readonly machineType: string;
    readonly databaseClass: string;
  };
  readonly regions: readonly string[];
  /** Where the stack names its region freely (a cluster the user already runs), what a name looks like. */
  readonly regionPattern?: { readonly re: RegExp; readonly allowed: string };
  /** The region examples and reference text name for this cloud. */
  readonly exampleRegion: string;
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
  /**
   * Config keys only this cloud reads (set on another cloud they would be silently ignored), with what each
   * holds where a stack of this cloud must set it.
   */
  readonly ownKeys: readonly { readonly path: readonly string[]; readonly requiredAs?: string }[];
  /**
   * Whether the program creates the stack's cluster, bucket and database on this cloud (their traits are
   * builders/cloud/platforms.ts'), or deploys into ones that already exist.
   */
  readonly createsInfrastructure: boolean;
}

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/**
 * CPU the kubelet reserves, as both GKE and EKS compute it: 6% of the first core, 1% of the second, 0.5% of
 * the next two and 0.25% of every core above four.
 */
export function reservedCpuCores(vcpu: number): number {
  const tiers: [number, number][] = [
    [1, 0.06],
    [1, 0.01],
    [2, 0.005],
    [Infinity, 0.0025],
  ];
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
