/**
 * What the builders and components need of each cloud below its own components: load balancers, the peers
 * NetworkPolicies admit through them, the metadata egress of cloud identities and, where the program creates
 * the cluster and the bucket, their storage class, object store and credentials. The facts a stack's config is
 * checked against (regions, zones, machine types) are config/cloud's; this table is the behaviour built on
 * them, one file per cloud (./platforms/<cloud>.ts), so no other file asks which cloud it is on.
 */
import type { Cloud } from "../../config/clouds";
import type { FailAt, MachineType } from "../../config/cloud/traits";
import type { ClusterSettings } from "../../config/types";
import type { ExecCredential } from "./kubeconfig";
import type { ObjectStoreLocation } from "./object-store";
import { AWS_PLATFORM } from "./platforms/aws";
import { GCP_PLATFORM } from "./platforms/gcp";
import { KUBERNETES_PLATFORM } from "./platforms/kubernetes";

/** What the program relies on where it creates the cluster and the bucket itself. */
export interface ProvisionedTraits {
  /** The CSI driver behind the clusters' SSD storage class (builders/cloud/storage-class.ts). */
  readonly storageClass: { readonly provisioner: string; readonly parameters: Readonly<Record<string, string>> };
  /** The stack's Thanos bucket as the objstore builder takes it. */
  readonly objectStore: (bucket: string, region: string) => ObjectStoreLocation;
  /** The kubeconfig's user: the cloud's token helper, run on every request. */
  readonly execCredential: (clusterName: string, region: string) => ExecCredential;
}

/** A NetworkPolicy peer that is an address range. */
export interface IpBlockPeer {
  ipBlock: { cidr: string; except?: string[] };
}

/** A NetworkPolicy peer of load-balanced traffic: an address range, or every pod of the cluster. */
export type LoadBalancerPeer = IpBlockPeer | { namespaceSelector: Record<string, never> };

export interface PlatformTraits {
  /** Refuses node counts the cloud's address plan of `cluster.vpcCidr` cannot hold (tiers/builder-rules.ts). */
  readonly checkNodeAddresses: (cluster: ClusterSettings, machine: MachineType, fail: FailAt) => void;
  /** What a `LoadBalancer` Service needs to get a network load balancer honouring its source ranges. */
  readonly loadBalancerAnnotations: Readonly<Record<string, string>>;
  /** Where connections through the cluster's load balancers reach the pods from. */
  readonly loadBalancerPeers: (vpcCidr: string, zones: readonly string[]) => LoadBalancerPeer[];
  /** Egress a pod with a cloud identity needs to the instance metadata address (none where it needs none). */
  readonly identityMetadataEgress: () => { to: IpBlockPeer[]; ports: { protocol: string; port: number }[] }[];
  /**
   * What a cloud whose cluster and bucket the program creates offers them; absent where the stack deploys
   * into a cluster, bucket and database that already exist (the kubernetes platform).
   */
  readonly provisioned?: ProvisionedTraits;
}

/** A cloud added to config/clouds.ts is a compile error here until its platform traits exist. */
export const PLATFORM_TRAITS: Readonly<Record<Cloud, PlatformTraits>> = {
  aws: AWS_PLATFORM,
  gcp: GCP_PLATFORM,
  kubernetes: KUBERNETES_PLATFORM,
};

/** The traits of a cloud whose cluster and bucket the program creates; a mistake in wiring where it creates none. */
export function provisionedTraits(cloud: Cloud): ProvisionedTraits {
  const provisioned = PLATFORM_TRAITS[cloud].provisioned;
  if (provisioned === undefined)
    throw new Error(`the program creates no cluster or bucket on the ${cloud} platform: the stack names its own`);
  return provisioned;
}
