/**
 * NetworkPolicy specs of a region's monitoring namespace: everything is denied both ways
 * (builders/k8s/network-policies.ts), DNS goes to the cluster DNS only, and each workload is admitted on
 * exactly the ports it serves, from where they are used: the ports the global tier reaches (federation,
 * StoreAPI) from its load balancers only, the metrics ports from the region's Prometheus pods only. Egress
 * never reaches instance metadata, except the metadata server a GKE workload identity needs.
 */
import { ALL_PODS_PEER, INTERNET_PEERS, tcp } from "../k8s/network-policies";
import { CLOUD_TRAITS, Cloud } from "../../config/clouds";

export { allowDnsSpec, defaultDenySpec } from "../k8s/network-policies";

export interface PortAccess {
  readonly port: number;
  /** `load-balancer`: the global tier's load balancers; `prometheus`: the region's Prometheus pods (scrapes). */
  readonly from: "load-balancer" | "prometheus";
}

/**
 * What a workload may reach besides DNS. `scrape`: every pod and address a target may have (Prometheus, its
 * sidecar uploading and the global Alertmanagers); `object-store`: the bucket's HTTPS API; `kubernetes-api`.
 */
export type EgressNeed = "scrape" | "object-store" | "kubernetes-api";

/** Where the region runs: what its load-balancer and identity rules depend on. */
export interface RegionNetwork {
  readonly cloud: Cloud;
  readonly vpcCidr: string;
  readonly zones: readonly string[];
  /** Labels of every Prometheus pod of the region. */
  readonly prometheusSelector: Readonly<Record<string, string>>;
}

function egressRules(need: EgressNeed, network: RegionNetwork) {
  switch (need) {
    case "scrape":
      return [{ to: [ALL_PODS_PEER, ...INTERNET_PEERS] }, ...CLOUD_TRAITS[network.cloud].identityMetadataEgress()];
    case "object-store":
      return [{ to: INTERNET_PEERS, ports: [tcp(443)] }, ...CLOUD_TRAITS[network.cloud].identityMetadataEgress()];
    case "kubernetes-api":
      return [{ to: INTERNET_PEERS, ports: [tcp(443), tcp(6443)] }];
  }
}

export function workloadPolicySpec(selector: Readonly<Record<string, string>>, ports: readonly PortAccess[], egress: EgressNeed, network: RegionNetwork) {
  const from = (source: PortAccess["from"]) => ports.filter((p) => p.from === source).map((p) => tcp(p.port));
  const [viaLoadBalancer, scraped] = [from("load-balancer"), from("prometheus")];
  return {
    podSelector: { matchLabels: { ...selector } },
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      ...(viaLoadBalancer.length > 0 ? [{ from: CLOUD_TRAITS[network.cloud].loadBalancerPeers(network.vpcCidr, network.zones), ports: viaLoadBalancer }] : []),
      ...(scraped.length > 0 ? [{ from: [{ podSelector: { matchLabels: { ...network.prometheusSelector } } }], ports: scraped }] : []),
    ],
    egress: egressRules(egress, network),
  };
}
