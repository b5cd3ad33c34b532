/**
 * NetworkPolicy specs of a region's monitoring namespace: everything is denied both ways
 * (builders/k8s/network-policies.ts), DNS goes to the cluster DNS only, and each workload is admitted on
 * exactly the ports it serves, from where they are used: the gateway's federation and StoreAPI listeners
 * from its load balancer only, Prometheus' and the store gateways' from the gateway pods only, the metrics
 * ports from the region's Prometheus pods only. Egress never reaches instance metadata, except the metadata
 * server a GKE workload identity needs.
 */
import { ALL_PODS_PEER, INTERNET_PEERS, tcp } from "../k8s/network-policies";
import { CLOUD_TRAITS, Cloud } from "../../config/clouds";
import { PORTS } from "./layout";

export { allowDnsSpec, defaultDenySpec } from "../k8s/network-policies";

export interface PortAccess {
  readonly port: number;
  /**
   * `load-balancer`: the load balancer the global tier puts in front of the gateway; `gateway`: the region
   * gateway's pods; `prometheus`: the region's Prometheus pods (scrapes).
   */
  readonly from: "load-balancer" | "gateway" | "prometheus";
}

/**
 * What a workload may reach besides DNS. `scrape`: every pod and address a target may have (Prometheus, its
 * sidecar uploading and the global Alertmanagers); `object-store`: the bucket's HTTPS API; `kubernetes-api`;
 * `region-endpoints`: the Prometheus web and StoreAPI ports of the namespace's pods (the gateway).
 */
export type EgressNeed = "scrape" | "object-store" | "kubernetes-api" | "region-endpoints";

/** Where the region runs: what its load-balancer and identity rules depend on. */
export interface RegionNetwork {
  readonly cloud: Cloud;
  readonly vpcCidr: string;
  readonly zones: readonly string[];
  /** Labels of every Prometheus pod of the region. */
  readonly prometheusSelector: Readonly<Record<string, string>>;
  /** Labels of the region gateway's pods. */
  readonly gatewaySelector: Readonly<Record<string, string>>;
}

function egressRules(need: EgressNeed, network: RegionNetwork) {
  switch (need) {
    case "scrape":
      return [{ to: [ALL_PODS_PEER, ...INTERNET_PEERS] }, ...CLOUD_TRAITS[network.cloud].identityMetadataEgress()];
    case "object-store":
      return [{ to: INTERNET_PEERS, ports: [tcp(443)] }, ...CLOUD_TRAITS[network.cloud].identityMetadataEgress()];
    case "kubernetes-api":
      return [{ to: INTERNET_PEERS, ports: [tcp(443), tcp(6443)] }];
    case "region-endpoints":
      return [{ to: [{ podSelector: {} }], ports: [tcp(PORTS.prometheusWeb), tcp(PORTS.thanosGrpc)] }];
  }
}

export function workloadPolicySpec(selector: Readonly<Record<string, string>>, ports: readonly PortAccess[], egress: EgressNeed, network: RegionNetwork) {
  const from = (source: PortAccess["from"]) => ports.filter((p) => p.from === source).map((p) => tcp(p.port));
  const [viaLoadBalancer, viaGateway, scraped] = [from("load-balancer"), from("gateway"), from("prometheus")];
  return {
    podSelector: { matchLabels: { ...selector } },
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      ...(viaLoadBalancer.length > 0 ? [{ from: CLOUD_TRAITS[network.cloud].loadBalancerPeers(network.vpcCidr, network.zones), ports: viaLoadBalancer }] : []),
      ...(viaGateway.length > 0 ? [{ from: [{ podSelector: { matchLabels: { ...network.gatewaySelector } } }], ports: viaGateway }] : []),
      ...(scraped.length > 0 ? [{ from: [{ podSelector: { matchLabels: { ...network.prometheusSelector } } }], ports: scraped }] : []),
    ],
    egress: egressRules(egress, network),
  };
}
