/**
 * NetworkPolicy specs of the monitoring namespace: everything is denied, then each workload is admitted on
 * exactly the ports it serves, from where they are used. Ports the global tier reaches through its load
 * balancers (federation, StoreAPI) are admitted from any source: the load balancer restricts the source
 * addresses, and mutual TLS or basic auth guard the port itself. Every other port is for the namespace only.
 */

export interface PortAccess {
  readonly port: number;
  readonly from: "anywhere" | "namespace";
}

/** What a workload may reach besides DNS (which every pod of the namespace may). */
export type EgressNeed = "anywhere" | "object-store" | "kubernetes-api";

const tcp = (port: number) => ({ protocol: "TCP", port });

/** Cloud metadata servers: IRSA needs STS over 443; GKE Workload Identity answers on 169.254.169.254 (80, 988). */
const METADATA_SERVER = { ipBlock: { cidr: "169.254.169.254/32" } };

export function defaultDenySpec() {
  return { podSelector: {}, policyTypes: ["Ingress", "Egress"] };
}

export function allowDnsSpec() {
  return { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ protocol: "UDP", port: 53 }, tcp(53)] }] };
}

function egressRules(need: EgressNeed) {
  switch (need) {
    case "anywhere":
      // Prometheus scrapes wherever targets are and delivers alerts to the global Alertmanagers.
      return [{}];
    case "object-store":
      return [{ ports: [tcp(443)] }, { to: [METADATA_SERVER], ports: [tcp(80), tcp(988)] }];
    case "kubernetes-api":
      return [{ ports: [tcp(443), tcp(6443)] }];
  }
}

export function workloadPolicySpec(selector: Record<string, string>, ports: readonly PortAccess[], egress: EgressNeed) {
  if (ports.length === 0) throw new Error("a workload policy admits at least one port");
  const anywhere = ports.filter((p) => p.from === "anywhere").map((p) => tcp(p.port));
  const namespace = ports.filter((p) => p.from === "namespace").map((p) => tcp(p.port));
  return {
    podSelector: { matchLabels: selector },
    policyTypes: ["Ingress", "Egress"],
    ingress: [
      ...(anywhere.length > 0 ? [{ ports: anywhere }] : []),
      ...(namespace.length > 0 ? [{ from: [{ podSelector: {} }], ports: namespace }] : []),
    ],
    egress: egressRules(egress),
  };
}
