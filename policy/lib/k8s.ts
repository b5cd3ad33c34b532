import type { PolicyResource } from "@pulumi/policy";
import { type Known, known } from "./known";
import { K8S } from "./types";

/** Where each workload kind keeps its pod template. */
const POD_TEMPLATE: Record<string, (props: any) => any> = {
  [K8S.pod]: (props) => props,
  [K8S.deployment]: (props) => props.spec?.template,
  [K8S.statefulSet]: (props) => props.spec?.template,
  [K8S.daemonSet]: (props) => props.spec?.template,
  [K8S.replicaSet]: (props) => props.spec?.template,
  [K8S.job]: (props) => props.spec?.template,
  [K8S.cronJob]: (props) => props.spec?.jobTemplate?.spec?.template,
};

export const WORKLOAD_TYPES: readonly string[] = Object.keys(POD_TEMPLATE);

export interface PodTemplate {
  readonly labels: Record<string, string>;
  readonly spec: any;
}

export function podTemplate(type: string, props: any): PodTemplate | undefined {
  const template = POD_TEMPLATE[type]?.(props);
  if (!template?.spec) return undefined;
  return { labels: template.metadata?.labels ?? {}, spec: template.spec };
}

/** Init containers first, as they run. */
export function containersOf(spec: any): any[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

export function commandLine(container: any): string[] {
  return [...(container.command ?? []), ...(container.args ?? [])];
}

/** A flag's value from `--flag=value` or `--flag value`. */
export function flagValue(line: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < line.length; i++) {
    if (line[i].startsWith(`${flag}=`)) return line[i].slice(flag.length + 1);
    if (line[i] === flag && i + 1 < line.length) return line[i + 1];
  }
  return undefined;
}

/** The last path segment of an image's repository: `quay.io/prometheus/prometheus:v3.5.0` is `prometheus`. */
export function imageName(image: string): string {
  const repository = image.split("@")[0];
  const lastSegment = repository.slice(repository.lastIndexOf("/") + 1);
  return lastSegment.split(":")[0];
}

/** A Thanos container's component (`sidecar`, `query`, `store`, `compact` ...): its first non-flag word. */
export function thanosComponent(container: any): string | undefined {
  if (typeof container.image !== "string" || imageName(container.image) !== "thanos") return undefined;
  // The command may name the binary itself (`thanos`, `/bin/thanos`) before the component.
  return commandLine(container).find((word) => !word.startsWith("-") && word.split("/").pop() !== "thanos");
}

export type Role = "prometheus" | "alertmanager" | "grafana" | `thanos-${string}`;

/** What a pod runs, known by its images: Prometheus pods also run a Thanos sidecar, so Prometheus wins. */
export function roleOf(spec: any): Role | undefined {
  const containers: any[] = spec.containers ?? [];
  const names = containers.map((c) => (typeof c.image === "string" ? imageName(c.image) : ""));
  for (const role of ["prometheus", "alertmanager", "grafana"] as const) if (names.includes(role)) return role;
  const thanos = containers.map(thanosComponent).find((component) => component !== undefined);
  return thanos ? `thanos-${thanos}` : undefined;
}

/** The object's name in the cluster; the engine's Kubernetes provider fills in an auto-name before policies run. */
export function objectName(resource: PolicyResource): Known<string> {
  return known(() => resource.props.metadata?.name ?? resource.name);
}

export function namespaceOf(resource: PolicyResource): Known<string> {
  return known(() => resource.props.metadata?.namespace ?? "default");
}

/** Which cluster an object lives in: its provider (a stack may reach several clusters). */
export function clusterOf(resource: PolicyResource): string {
  return resource.provider?.urn ?? "the default provider";
}

export interface Workload {
  readonly resource: PolicyResource;
  readonly template: PodTemplate;
  readonly role: Role | undefined;
  readonly name: Known<string>;
  readonly namespace: Known<string>;
  readonly cluster: string;
  /** spec.replicas; Kubernetes runs 1 when it is unset. */
  readonly replicas: Known<number>;
}

/** Every workload of the stack whose pod template is known. */
export function workloadsOf(resources: readonly PolicyResource[]): Workload[] {
  const found: Workload[] = [];
  for (const resource of resources) {
    const template = known(() => podTemplate(resource.type, resource.props));
    if (typeof template !== "object" || template === undefined) continue;
    const role = known(() => roleOf(template.spec));
    found.push({
      resource,
      template,
      role: typeof role === "string" ? role : undefined,
      name: objectName(resource),
      namespace: namespaceOf(resource),
      cluster: clusterOf(resource),
      replicas: known(() => resource.props.spec?.replicas ?? 1),
    });
  }
  return found;
}

/** Whether a label selector (matchLabels and matchExpressions) selects pods with these labels. */
export function selects(selector: any, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const matchLabels: Record<string, string> = selector.matchLabels ?? {};
  const expressions: any[] = selector.matchExpressions ?? [];
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) return true;
  return (
    Object.entries(matchLabels).every(([key, value]) => labels[key] === value) &&
    expressions.every(({ key, operator, values }) => {
      const has = Object.hasOwn(labels, key);
      switch (operator) {
        case "In":
          return has && (values ?? []).includes(labels[key]);
        case "NotIn":
          return !has || !(values ?? []).includes(labels[key]);
        case "Exists":
          return has;
        case "DoesNotExist":
          return !has;
        default:
          return false;
      }
    })
  );
}

/** Kind and name of a workload type token, as an HPA's scaleTargetRef names it. */
export function kindOf(type: string): string {
  return type.slice(type.lastIndexOf(":") + 1);
}
