/**
 * The `app.kubernetes.io/*` labels every object of a component carries, from one helper so that a
 * component's Service, workload, PodDisruptionBudget and NetworkPolicy always agree on their selector.
 */
export interface ComponentIdentity {
  /** What the workload is: prometheus, thanos-store, alertmanager, grafana ... */
  readonly name: string;
  /** Which instance of it: the stack's prefix plus, for sharded workloads, the shard. */
  readonly instance: string;
  /** Its role in the monitoring system: metrics, object-store-gateway, alert-router ... */
  readonly component: string;
  readonly version: string;
}

export const PART_OF = "monitoring";

/** What every object of the monitoring system carries, whether or not it belongs to one component. */
export function managedLabels(): Record<string, string> {
  return { "app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/managed-by": "pulumi" };
}

/** Every pod of one workload, whatever its instance (all shards of a region's Prometheus). */
export function nameSelector(name: string): Record<string, string> {
  return { "app.kubernetes.io/name": name };
}

export function selectorLabels(id: Pick<ComponentIdentity, "name" | "instance">): Record<string, string> {
  return { ...nameSelector(id.name), "app.kubernetes.io/instance": id.instance };
}

export function componentLabels(id: ComponentIdentity): Record<string, string> {
  return {
    ...selectorLabels(id),
    "app.kubernetes.io/component": id.component,
    "app.kubernetes.io/version": id.version,
    ...managedLabels(),
  };
}
