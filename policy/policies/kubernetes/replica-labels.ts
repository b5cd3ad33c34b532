import type { PolicyResource } from "@pulumi/policy";
import { known, UNKNOWN } from "../../lib/known";
import { containersOf, kindOf, type Workload, workloadsOf } from "../../lib/k8s";
import { contents, mountedSources, sourceResource } from "../../lib/mounts";
import { type StackViolation, stackPolicy } from "../../lib/policy";
import { parseYaml } from "../../lib/yaml";

/** The external labels of every Prometheus config a workload mounts from a ConfigMap or Secret of the stack. */
function externalLabelSets(workload: Workload, resources: readonly PolicyResource[]): Record<string, string>[] {
  const sets: Record<string, string>[] = [];
  for (const source of mountedSources(workload.template.spec)) {
    const mounted = sourceResource(resources, workload, source);
    for (const text of Object.values(mounted ? contents(mounted) : {})) {
      const labels = typeof text === "string" ? parseYaml(text)?.global?.external_labels : undefined;
      if (labels && typeof labels === "object") sets.push(labels);
    }
  }
  return sets;
}

/** Environment variables the pod sets to its own name (fieldRef metadata.name). */
function podNameVariables(podSpec: any): Set<string> {
  return new Set(
    containersOf(podSpec)
      .flatMap((c) => c.env ?? [])
      .filter((e: any) => e.valueFrom?.fieldRef?.fieldPath === "metadata.name")
      .map((e: any) => e.name),
  );
}

/**
 * Names of every pod of a workload: a StatefulSet's are `<name>-<ordinal>`; other pods get random suffixes,
 * distinct by construction, stood in for here by their position.
 */
function podNames(workload: Workload, replicas: number): string[] {
  const prefix = kindOf(workload.resource.type) === "StatefulSet" ? "" : "<random>";
  return Array.from({ length: replicas }, (_, i) => `${String(workload.name)}-${prefix}${i}`);
}

/** `$(VAR)` (Thanos reloader) and `${VAR}` (Prometheus' own expansion) references to the pod-name variables, substituted. */
function substitute(value: string, variables: Set<string>, podName: string): string {
  return value.replace(/\$\(([A-Za-z_]\w*)\)|\$\{([A-Za-z_]\w*)\}/g, (reference, paren, brace) =>
    variables.has(paren ?? brace) ? podName : reference,
  );
}

const MISSING = "missing";

/**
 * `label="value"` of each pod of a Prometheus workload, from every config it mounts; MISSING when a config has
 * no replica label; undefined when no config is in the stack to judge.
 */
function replicaValues(
  workload: Workload,
  resources: readonly PolicyResource[],
  replicaLabels: readonly string[],
): string[] | typeof MISSING | undefined {
  const sets = externalLabelSets(workload, resources);
  if (sets.length === 0 || typeof workload.replicas !== "number") return undefined;
  const variables = podNameVariables(workload.template.spec);
  const values: string[] = [];
  for (const labels of sets) {
    const label = replicaLabels.find((name) => typeof labels[name] === "string");
    if (!label) return MISSING;
    for (const pod of podNames(workload, workload.replicas))
      values.push(`${label}="${substitute(labels[label], variables, pod)}"`);
  }
  return values;
}

/**
 * Thanos Query deduplicates on the replica label and otherwise tells series apart by their external labels:
 * two Prometheus pods with one replica label value merge into one series with gaps and doubled counts.
 * Each Prometheus pod's value is derived from its mounted config (pod-name references substituted) and
 * must be unique across the stack.
 */
export const uniqueReplicaLabels = stackPolicy<{ replicaLabels: string[] }>({
  name: "k8s-unique-replica-labels",
  description:
    "Every Prometheus pod carries a replica external label whose value no other Prometheus pod of the stack has.",
  configSchema: {
    properties: {
      replicaLabels: {
        type: "array",
        items: { type: "string" },
        minItems: 1,
        default: ["prometheus_replica", "federation_replica"],
      },
    },
  },
  violations: (resources, { replicaLabels }) => {
    const violations: StackViolation[] = [];
    const pods = new Map<string, { count: number; workloads: Set<Workload> }>();
    for (const workload of workloadsOf(resources).filter((w) => w.role === "prometheus")) {
      // A config kept outside the stack, or one not known yet, cannot be judged here.
      const values = known(() => replicaValues(workload, resources, replicaLabels));
      if (values === UNKNOWN || values === undefined) continue;
      if (values === MISSING) {
        violations.push({
          message: `Prometheus '${String(workload.name)}' has no replica external label (one of ${replicaLabels.join(", ")})`,
          urn: workload.resource.urn,
        });
        continue;
      }
      for (const value of values) {
        const entry = pods.get(value) ?? { count: 0, workloads: new Set<Workload>() };
        entry.count += 1;
        entry.workloads.add(workload);
        pods.set(value, entry);
      }
    }
    for (const [value, { count, workloads }] of pods) {
      if (count < 2) continue;
      const names = [...workloads].map((w) => `'${String(w.name)}'`).join(", ");
      violations.push({
        message: `${count} Prometheus pods of ${names} share the replica label ${value}`,
        urn: [...workloads][0].resource.urn,
      });
    }
    return violations;
  },
});
