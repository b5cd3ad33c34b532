import type { PolicyResource } from "@pulumi/policy";
import { known } from "../../lib/known";
import { clusterOf, namespaceOf, objectName, workloadsOf } from "../../lib/k8s";
import { stackPolicy } from "../../lib/policy";
import { K8S } from "../../lib/types";

const PART_OF = "app.kubernetes.io/part-of";

interface NamespaceRef {
  readonly cluster: string;
  readonly namespace: string;
  /** The resource to blame when the namespace has no NetworkPolicy. */
  readonly urn: string;
}

/**
 * Monitoring namespaces: those the configured names or the `part-of` label mark, and those any workload of
 * the monitoring system (labelled `part-of`) runs in, in each cluster the stack reaches.
 */
function monitoringNamespaces(
  resources: readonly PolicyResource[],
  names: readonly string[],
  partOf: string,
): NamespaceRef[] {
  const found: NamespaceRef[] = [];
  for (const resource of resources.filter((r) => r.type === K8S.namespace)) {
    const name = objectName(resource);
    const marked = known(() => resource.props.metadata?.labels?.[PART_OF] === partOf);
    if (typeof name === "string" && (names.includes(name) || marked === true))
      found.push({ cluster: clusterOf(resource), namespace: name, urn: resource.urn });
  }
  for (const workload of workloadsOf(resources)) {
    const marked = known(
      () => (workload.resource.props.metadata?.labels?.[PART_OF] ?? workload.template.labels[PART_OF]) === partOf,
    );
    if (marked === true && typeof workload.namespace === "string") {
      found.push({ cluster: workload.cluster, namespace: workload.namespace, urn: workload.resource.urn });
    }
  }
  return found.filter(
    (ref, i) => found.findIndex((other) => other.cluster === ref.cluster && other.namespace === ref.namespace) === i,
  );
}

export const monitoringNetworkPolicies = stackPolicy<{ monitoringNamespaces: string[]; partOf: string }>({
  name: "k8s-monitoring-network-policies",
  description: "Every monitoring namespace has at least one NetworkPolicy.",
  configSchema: {
    properties: {
      monitoringNamespaces: { type: "array", items: { type: "string" }, default: ["monitoring"] },
      partOf: { type: "string", default: "monitoring" },
    },
  },
  violations: (resources, config) => {
    const policies = resources.filter((r) => r.type === K8S.networkPolicy);
    return monitoringNamespaces(resources, config.monitoringNamespaces, config.partOf)
      .filter(
        ({ cluster, namespace }) => !policies.some((p) => clusterOf(p) === cluster && namespaceOf(p) === namespace),
      )
      .map(({ namespace, urn }) => ({ message: `monitoring namespace '${namespace}' has no NetworkPolicy`, urn }));
  },
});
