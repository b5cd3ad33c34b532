import type { PolicyResource } from "@pulumi/policy";
import { type Known, known, UNKNOWN } from "../../lib/known";
import { clusterOf, kindOf, namespaceOf, type Role, selects, type Workload, workloadsOf } from "../../lib/k8s";
import { stackPolicy } from "../../lib/policy";
import { K8S } from "../../lib/types";

/** Workloads that must survive losing a pod: the query path, the dashboards and the alert mesh. */
const REPLICATED_ROLES: readonly Role[] = ["prometheus", "thanos-query", "thanos-store", "grafana"];
const HA_ROLES: readonly Role[] = [...REPLICATED_ROLES, "alertmanager"];

const HPA_TYPES: readonly string[] = [K8S.horizontalPodAutoscaler, "kubernetes:autoscaling/v1:HorizontalPodAutoscaler"];

function describe(workload: Workload): string {
  return `${workload.role} ${kindOf(workload.resource.type)} '${String(workload.name)}'`;
}

/** The autoscaler that scales a workload, if any: same cluster and namespace, scaleTargetRef naming it. */
function autoscalerOf(workload: Workload, resources: readonly PolicyResource[]): PolicyResource | undefined {
  return resources.find(
    (r) =>
      HPA_TYPES.includes(r.type) &&
      clusterOf(r) === workload.cluster &&
      namespaceOf(r) === workload.namespace &&
      known(
        () =>
          r.props.spec?.scaleTargetRef?.kind === kindOf(workload.resource.type) &&
          r.props.spec.scaleTargetRef.name === workload.name,
      ) === true,
  );
}

interface Scale {
  /**
   * The fewest pods the workload can run: spec.replicas, or under an autoscaler its minReplicas, unless
   * spec.replicas is set below that too (every update applies that count again, and the pods above it go,
   * until the autoscaler scales back up).
   */
  readonly min: number;
  /** The most it may run, when an autoscaler scales it. */
  readonly max?: number;
  /** Why `min` is below the autoscaler's minimum: the spec.replicas an update resets it to. */
  readonly resetTo?: number;
}

function scaleOf(workload: Workload, resources: readonly PolicyResource[]): Known<Scale> {
  const autoscaler = autoscalerOf(workload, resources);
  if (!autoscaler) return typeof workload.replicas === "number" ? { min: workload.replicas } : UNKNOWN;
  return known(() => {
    const min: number = autoscaler.props.spec.minReplicas ?? 1;
    const declared: unknown = declaredReplicas(workload.resource);
    const resetTo = typeof declared === "number" && declared < min ? declared : undefined;
    return {
      min: resetTo ?? min,
      max: autoscaler.props.spec.maxReplicas,
      ...(resetTo === undefined ? {} : { resetTo }),
    };
  });
}

/** A server-side-apply field manager of the Pulumi Kubernetes provider (pulumi-kubernetes-<id>). */
const PULUMI_MANAGER = /^pulumi-kubernetes/;

/**
 * The spec.replicas the program declares. A deployed object's state carries the API server's default of 1
 * where the program left replicas to an autoscaler; its managedFields tell whether the provider owns the
 * field (only then does every update apply it again). Without managedFields (a preview, the program's own
 * inputs) the value is what the program declared.
 */
function declaredReplicas(resource: PolicyResource): unknown {
  const replicas: unknown = resource.props.spec?.replicas;
  const managed: { manager?: string; fieldsV1?: { "f:spec"?: Record<string, unknown> } }[] | undefined =
    resource.props.metadata?.managedFields;
  if (!Array.isArray(managed) || managed.length === 0) return replicas;
  return managed.some(
    (m) => PULUMI_MANAGER.test(m.manager ?? "") && m.fieldsV1?.["f:spec"]?.["f:replicas"] !== undefined,
  )
    ? replicas
    : undefined;
}

function replicaCount(scale: Scale): string {
  return scale.resetTo === undefined
    ? `runs ${scale.min} replica(s)`
    : `sets spec.replicas to ${scale.resetTo} beside its autoscaler, so every update scales it down to ${scale.resetTo} replica(s) (leave replicas to the autoscaler)`;
}

export const haReplicas = stackPolicy<{ minReplicas: number; minAlertmanagerReplicas: number }>({
  name: "k8s-ha-replicas",
  description:
    "Prometheus, Thanos Query, Thanos Store and Grafana run at least the configured number of replicas (2), also across an update of an autoscaled workload; Alertmanager an odd number, at least 3.",
  configSchema: {
    properties: {
      minReplicas: { type: "integer", minimum: 2, default: 2 },
      minAlertmanagerReplicas: { type: "integer", minimum: 3, default: 3 },
    },
  },
  violations: (resources, { minReplicas, minAlertmanagerReplicas }) => {
    const found: { message: string; urn: string }[] = [];
    for (const workload of workloadsOf(resources).filter((w) => HA_ROLES.includes(w.role as Role))) {
      const scale = scaleOf(workload, resources);
      if (scale === UNKNOWN) continue;
      const blame = (message: string) =>
        found.push({ message: `${describe(workload)} ${message}`, urn: workload.resource.urn });
      if (workload.role !== "alertmanager") {
        if (scale.min < minReplicas) blame(`${replicaCount(scale)}: at least ${minReplicas} are required`);
        continue;
      }
      // A mesh of an even size can split in two halves that each keep notifying.
      if (scale.min < minAlertmanagerReplicas || scale.min % 2 === 0) {
        blame(`${replicaCount(scale)}: an odd number of at least ${minAlertmanagerReplicas} is required`);
      }
      if (scale.max !== undefined && scale.max !== scale.min)
        blame(`is autoscaled from ${scale.min} to ${scale.max}: the mesh size must stay odd and fixed`);
    }
    return found;
  },
});

export const podDisruptionBudgets = stackPolicy({
  name: "k8s-pod-disruption-budgets",
  description:
    "Every HA workload (Prometheus, Thanos Query and Store, Grafana, Alertmanager) has a PodDisruptionBudget selecting its pods.",
  violations: (resources) => {
    const budgets = resources.filter((r) => r.type === K8S.podDisruptionBudget);
    return workloadsOf(resources)
      .filter((w) => HA_ROLES.includes(w.role as Role))
      .filter(
        (workload) =>
          !budgets.some(
            (budget) =>
              clusterOf(budget) === workload.cluster &&
              namespaceOf(budget) === workload.namespace &&
              known(() => selects(budget.props.spec?.selector, workload.template.labels)) !== false,
          ),
      )
      .map((workload) => ({
        message: `${describe(workload)} has no PodDisruptionBudget in namespace '${String(workload.namespace)}' selecting its pods`,
        urn: workload.resource.urn,
      }));
  },
});
