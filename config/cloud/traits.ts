import type { ExecCredential } from "../../builders/cloud/kubeconfig";
import type { ObjectStoreLocation } from "../../builders/cloud/object-store";
import type { ClusterSettings } from "../types";

/** What a node of one machine type offers the pods scheduled on it. */
export interface MachineType {
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** Pods one node can run: the VPC CNI's ENI limit on AWS, GKE's per-node pod range on GCP. */
  readonly maxPods: number;
}

/** What the program relies on where it creates the cluster and the bucket itself. */
export interface ProvisionedTraits {
  /** The CSI driver behind the clusters' SSD storage class (builders/cloud/storage-class.ts). */
  readonly storageClass: { readonly provisioner: string; readonly parameters: Readonly<Record<string, string>> };
  /** The stack's Thanos bucket as the objstore builder takes it. */
  readonly objectStore: (bucket: string, region: string) => ObjectStoreLocation;
  /** The kubeconfig's user: the cloud's token helper, run on every request. */
  readonly execCredential: (clusterName: string, region: string) => ExecCredential;
}

/** What is left for pods once the kubelet, the container runtime and eviction thresholds took their share. */
export interface Allocatable {
  readonly cpuCores: number;
  readonly memoryBytes: number;
}

/** A NetworkPolicy peer that is an address range. */
export interface IpBlockPeer {
  ipBlock: { cidr: string; except?: string[] };
}

/** A NetworkPolicy peer of load-balanced traffic: an address range, or every pod of the cluster. */
export type LoadBalancerPeer = IpBlockPeer | { namespaceSelector: Record<string, never> };

/** Reports a config key and what it allows (config/rules.ts turns it into the stack's ConfigError). */
export type FailAt = (path: readonly PropertyKey[], allowed: string) => never;

/**
 * Everything the program needs to know about one cloud below the cloud's own components, each cloud in its
 * own file (config/cloud/<cloud>.ts) and all of them in one table (config/clouds.ts): a trait missing for a
 * cloud is a compile error there, and no other file asks which cloud it is on.
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
  /** Refuses node counts the cloud's address plan of `cluster.vpcCidr` cannot hold. */
  readonly checkNodeAddresses: (cluster: ClusterSettings, machine: MachineType, fail: FailAt) => void;
  /** What a `LoadBalancer` Service needs to get a network load balancer honouring its source ranges. */
  readonly loadBalancerAnnotations: Readonly<Record<string, string>>;
  /** Where connections through the cluster's load balancers reach the pods from. */
  readonly loadBalancerPeers: (vpcCidr: string, zones: readonly string[]) => LoadBalancerPeer[];
  /**
   * What a cloud whose cluster and bucket the program creates offers them; absent where the stack deploys
   * into a cluster, bucket and database that already exist (the kubernetes platform).
   */
  readonly provisioned?: ProvisionedTraits;
  /** Egress a pod with a cloud identity needs to the instance metadata address (none where it needs none). */
  readonly identityMetadataEgress: () => { to: IpBlockPeer[]; ports: { protocol: string; port: number }[] }[];
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
