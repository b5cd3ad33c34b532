/**
 * The NetworkPolicies of both tiers. Each namespace denies all traffic in both directions, lets every pod
 * resolve names at the cluster DNS only, and admits exactly the flows each workload needs: the tiers say
 * which flows (builders/global/network-policies.ts, builders/regional/network-policies.ts), this file says
 * what a flow is in a NetworkPolicy. Egress to the outside never reaches instance metadata, except the
 * metadata server a GKE workload identity needs.
 */
import type { Cloud } from "../../config/clouds";
import { PLATFORM_TRAITS } from "../cloud/platforms";
import { ALL_PODS_PEER, INTERNET_PEERS, KUBE_DNS_PEER, tcp, udp } from "./network-peers";

type Selector = Readonly<Record<string, string>>;

/**
 * `load-balancer`: the cluster's load balancers (which admit only their source ranges); `internet`: outside
 * the cluster, metadata excluded; `all-pods`: every pod of every namespace (scrape targets); or one workload.
 */
export type Peer = "load-balancer" | "internet" | "all-pods" | { readonly pods: Selector };

export interface Flow {
  readonly peers: readonly Peer[];
  /** Absent: every port (scrape targets, receivers and webhooks may listen anywhere). */
  readonly ports?: readonly { readonly port: number; readonly protocol?: "TCP" | "UDP" }[];
}

/** Who one workload talks to. */
export interface WorkloadTraffic {
  readonly selector: Selector;
  readonly ingress: readonly Flow[];
  readonly egress: readonly Flow[];
  /** Reaches the instance metadata address its cloud identity needs (GKE Workload Identity). */
  readonly cloudIdentity?: boolean;
}

/** Where the cluster runs: its load balancers' and metadata server's addresses depend on it. */
export interface ClusterNetwork {
  readonly cloud: Cloud;
  readonly vpcCidr: string;
  readonly zones: readonly string[];
}

/**
 * A Thanos workload's way to its bucket: the object store's HTTPS API outside the cluster, and the metadata
 * server its cloud identity needs (GKE Workload Identity).
 */
export const OBJECT_STORE_EGRESS = {
  flows: [{ peers: ["internet"], ports: [{ port: 443 }] }],
  cloudIdentity: true,
} as const satisfies { flows: readonly Flow[]; cloudIdentity: boolean };

export function defaultDenySpec() {
  return { podSelector: {}, policyTypes: ["Ingress", "Egress"] };
}

export function allowDnsSpec() {
  return { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [KUBE_DNS_PEER], ports: [udp(53), tcp(53)] }] };
}

/** The NetworkPolicy spec of one workload's traffic. */
export function workloadPolicySpec(t: WorkloadTraffic, network: ClusterNetwork) {
  const peers = (list: readonly Peer[]): object[] =>
    list.flatMap((p): object[] =>
      p === "load-balancer"
        ? PLATFORM_TRAITS[network.cloud].loadBalancerPeers(network.vpcCidr, network.zones)
        : p === "internet"
          ? INTERNET_PEERS
          : p === "all-pods"
            ? [ALL_PODS_PEER]
            : [{ podSelector: { matchLabels: { ...p.pods } } }],
    );
  const ports = (f: Flow) =>
    f.ports ? { ports: f.ports.map((p) => ({ protocol: p.protocol ?? "TCP", port: p.port })) } : {};
  return {
    podSelector: { matchLabels: { ...t.selector } },
    policyTypes: ["Ingress", "Egress"],
    ingress: t.ingress.map((f) => ({ from: peers(f.peers), ...ports(f) })),
    egress: [
      ...t.egress.map((f) => ({ to: peers(f.peers), ...ports(f) })),
      ...(t.cloudIdentity ? PLATFORM_TRAITS[network.cloud].identityMetadataEgress() : []),
    ],
  };
}
