/**
 * What a stack on a cluster whose network plugin does not enforce NetworkPolicies (kubernetes.networkPolicies
 * not-enforced) says once in the output: the listeners that only the stack's NetworkPolicies guard, which
 * any pod of the cluster can then reach. Everything a region or a user reaches from outside the cluster is
 * TLS and a password or a client certificate either way.
 */
import { configWarning } from "../config/errors";
import type { StackConfig } from "../config/types";

const GUARDED_ONLY_BY_NETWORK_POLICIES: Record<StackConfig["tier"], string> = {
  regional: "kube-state-metrics and the Thanos components' metrics ports (what the cluster runs, no password)",
  global:
    "Thanos Query's API (every region's data, no password), the results cache (memcached, no password: a pod can " +
    "poison dashboards) and the Alertmanager and Grafana gossip ports (a pod joining the mesh can silence alerts)",
};

export function networkPolicyWarnings(config: StackConfig): string[] {
  if (config.kubernetes?.networkPolicies !== "not-enforced") return [];
  return [
    configWarning(
      config.stack,
      ["kubernetes", "networkPolicies"],
      "not-enforced",
      `the stack's NetworkPolicies are created but do nothing, so any pod of the cluster can reach ${GUARDED_ONLY_BY_NETWORK_POLICIES[config.tier]}; ` +
        "use a network plugin that enforces them (Calico, Cilium), or run only pods you trust in this cluster",
    ),
  ];
}
