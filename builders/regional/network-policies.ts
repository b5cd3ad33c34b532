/**
 * The traffic of a region's monitoring workloads (builders/k8s/network-policies.ts makes it NetworkPolicies):
 * each workload is admitted on exactly the ports it serves, from where they are used: the ports the global
 * tier reaches (federation, StoreAPI) from its load balancers only, the metrics ports from the region's
 * Prometheus pods only.
 */
import type { Flow, WorkloadTraffic } from "../k8s/network-policies";

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

const EGRESS: Record<EgressNeed, { flows: Flow[]; cloudIdentity: boolean }> = {
  scrape: { flows: [{ peers: ["all-pods", "internet"] }], cloudIdentity: true },
  "object-store": { flows: [{ peers: ["internet"], ports: [{ port: 443 }] }], cloudIdentity: true },
  "kubernetes-api": { flows: [{ peers: ["internet"], ports: [{ port: 443 }, { port: 6443 }] }], cloudIdentity: false },
};

/** One regional workload's traffic; `prometheusSelector` matches every Prometheus pod of the region. */
export function regionalTraffic(
  selector: Readonly<Record<string, string>>,
  ports: readonly PortAccess[],
  egress: EgressNeed,
  prometheusSelector: Readonly<Record<string, string>>,
): WorkloadTraffic {
  const from = (source: PortAccess["from"]) => ports.filter((p) => p.from === source).map((p) => ({ port: p.port }));
  const [viaLoadBalancer, scraped] = [from("load-balancer"), from("prometheus")];
  return {
    selector,
    ingress: [
      ...(viaLoadBalancer.length > 0 ? [{ peers: ["load-balancer" as const], ports: viaLoadBalancer }] : []),
      ...(scraped.length > 0 ? [{ peers: [{ pods: prometheusSelector }], ports: scraped }] : []),
    ],
    egress: EGRESS[egress].flows,
    cloudIdentity: EGRESS[egress].cloudIdentity,
  };
}
