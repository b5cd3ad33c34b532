/**
 * The traffic of a region's monitoring workloads (builders/k8s/network-policies.ts makes it NetworkPolicies):
 * each workload is admitted on exactly the ports it serves, from where they are used: the gateway's federation
 * and StoreAPI listeners from its load balancer only, Prometheus' and the store gateways' from the gateway
 * pods only, the metrics ports from the region's Prometheus pods only.
 */
import { type Flow, OBJECT_STORE_EGRESS, type WorkloadTraffic } from "../k8s/network-policies";
import { PORTS } from "./layout";

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

const EGRESS: Record<EgressNeed, { flows: Flow[]; cloudIdentity: boolean }> = {
  scrape: { flows: [{ peers: ["all-pods", "internet"] }], cloudIdentity: true },
  "object-store": { flows: [...OBJECT_STORE_EGRESS.flows], cloudIdentity: OBJECT_STORE_EGRESS.cloudIdentity },
  "kubernetes-api": { flows: [{ peers: ["internet"], ports: [{ port: 443 }, { port: 6443 }] }], cloudIdentity: false },
  "region-endpoints": {
    flows: [{ peers: [{ pods: {} }], ports: [{ port: PORTS.prometheusWeb }, { port: PORTS.thanosGrpc }] }],
    cloudIdentity: false,
  },
};

/**
 * One regional workload's traffic; `prometheusSelector` matches every Prometheus pod of the region,
 * `gatewaySelector` the region gateway's pods (needed where a port is admitted from the gateway).
 */
export function regionalTraffic(
  selector: Readonly<Record<string, string>>,
  ports: readonly PortAccess[],
  egress: EgressNeed,
  prometheusSelector: Readonly<Record<string, string>>,
  gatewaySelector?: Readonly<Record<string, string>>,
): WorkloadTraffic {
  const from = (source: PortAccess["from"]) => ports.filter((p) => p.from === source).map((p) => ({ port: p.port }));
  const [viaLoadBalancer, viaGateway, scraped] = [from("load-balancer"), from("gateway"), from("prometheus")];
  if (viaGateway.length > 0 && !gatewaySelector)
    throw new Error("a port admitted from the region gateway needs the gateway's selector");
  return {
    selector,
    ingress: [
      ...(viaLoadBalancer.length > 0 ? [{ peers: ["load-balancer" as const], ports: viaLoadBalancer }] : []),
      ...(viaGateway.length > 0 && gatewaySelector ? [{ peers: [{ pods: gatewaySelector }], ports: viaGateway }] : []),
      ...(scraped.length > 0 ? [{ peers: [{ pods: prometheusSelector }], ports: scraped }] : []),
    ],
    egress: EGRESS[egress].flows,
    cloudIdentity: EGRESS[egress].cloudIdentity,
  };
}
