import type { KubernetesCluster } from "./types";

/**
 * The cloud-specific cluster behind the shared interface. A platform only builds identities and databases
 * next to its own clusters (they need its VPC, OIDC issuer or workload pool), so anything else is a wiring
 * mistake in a tier, reported as such.
 */
export function requireClusterOf<T extends KubernetesCluster>(
  cluster: KubernetesCluster,
  kind: abstract new (...args: any[]) => T,
  cloud: string,
): T {
  if (!(cluster instanceof kind)) {
    throw new Error(`the ${cloud.toUpperCase()} platform got a cluster it did not make (on ${cluster.cloud.toUpperCase()}): pass the cluster made by the same cloudFor(config)`);
  }
  return cluster;
}
