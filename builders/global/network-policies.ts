/**
 * Ingress rules of the global cluster's monitoring namespace (on top of the regional builders' default deny
 * and DNS allowance): each workload is admitted on the ports it serves, from where they are used. Ports
 * behind a load balancer are admitted from any source, since the load balancer restricts the source
 * addresses (and TLS and basic auth guard the port); the others only from the namespace. Egress stays open:
 * these workloads reach other regions, Slack, PagerDuty and the managed database.
 */
export interface IngressPort {
  readonly port: number;
  readonly protocol?: "TCP" | "UDP";
  readonly from: "anywhere" | "namespace";
}

export function ingressPolicySpec(selector: Record<string, string>, ports: readonly IngressPort[]) {
  if (ports.length === 0) throw new Error("an ingress policy admits at least one port");
  const rule = (from: IngressPort["from"]) => ports.filter((p) => p.from === from).map((p) => ({ protocol: p.protocol ?? "TCP", port: p.port }));
  const [anywhere, namespace] = [rule("anywhere"), rule("namespace")];
  return {
    podSelector: { matchLabels: selector },
    policyTypes: ["Ingress"],
    ingress: [
      ...(anywhere.length > 0 ? [{ ports: anywhere }] : []),
      ...(namespace.length > 0 ? [{ from: [{ podSelector: {} }], ports: namespace }] : []),
    ],
  };
}

/** Every pod of the namespace refuses connections no policy admits. */
export function denyIngressSpec() {
  return { podSelector: {}, policyTypes: ["Ingress"] };
}
