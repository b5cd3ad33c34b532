/**
 * The scrape jobs of the teams' ServiceMonitor- and PodMonitor-shaped entries: one job per endpoint, as
 * prometheus-operator makes them, discovered through Kubernetes (Services through their EndpointSlices,
 * Pods directly), limited like the built-in jobs, split by hashmod over the shards, and every series
 * labeled with the team, which neither a team's relabeling nor a target's own label can change.
 */
import { TEAM_LABEL } from "../../config/teams-schema";
import type { Team, TeamEndpoint, TeamMonitor, TeamRelabeling } from "../../config/types";
import {
  POD_LABELS,
  type ScrapeJobSettings,
  USER_TARGETS,
  kubernetesSd,
  limits,
  scrapeTimeout,
} from "../prometheus/scrape-jobs";
import { hashmodSharding } from "../prometheus/sharding";
import { endpointHttpClient } from "./credentials";
import { teamJobName } from "./names";
import type { RelabelConfig, ScrapeConfig } from "../prometheus/types";

type Kind = "services" | "pods";

/** Prometheus' meta label names: every character outside [a-zA-Z0-9_] becomes `_` (strutil.SanitizeLabelName). */
const metaName = (label: string) => label.replace(/[^a-zA-Z0-9_]/g, "_");
/** A literal inside a relabel regex (which Prometheus anchors). */
const literal = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Where each kind of target carries its object's labels and its port. */
const META = {
  services: {
    object: "__meta_kubernetes_service",
    portName: "__meta_kubernetes_endpointslice_port_name",
    role: "endpointslice",
  },
  pods: { object: "__meta_kubernetes_pod", portName: "__meta_kubernetes_pod_container_port_name", role: "pod" },
} as const;

/** matchLabels and matchExpressions as keep and drop steps on the object's labels. */
function selectorSteps(kind: Kind, selector: TeamMonitor["selector"]): RelabelConfig[] {
  const label = (key: string) => `${META[kind].object}_label_${metaName(key)}`;
  const present = (key: string) => `${META[kind].object}_labelpresent_${metaName(key)}`;
  const values = (vs: readonly string[]) => vs.map(literal).join("|");
  return [
    ...Object.entries(selector.matchLabels).map(
      ([key, value]): RelabelConfig => ({
        source_labels: [label(key), present(key)],
        regex: `${literal(value)};true`,
        action: "keep",
      }),
    ),
    ...selector.matchExpressions.map((e): RelabelConfig => {
      switch (e.operator) {
        case "In":
          return { source_labels: [label(e.key), present(e.key)], regex: `(${values(e.values)});true`, action: "keep" };
        case "NotIn":
          return { source_labels: [label(e.key), present(e.key)], regex: `(${values(e.values)});true`, action: "drop" };
        case "Exists":
          return { source_labels: [present(e.key)], regex: "true", action: "keep" };
        case "DoesNotExist":
          return { source_labels: [present(e.key)], regex: "true", action: "drop" };
        default:
          // The schema admits the four operators only; a fifth would fail to compile here.
          return e.operator satisfies never;
      }
    }),
  ];
}

function portSteps(kind: Kind, endpoint: TeamEndpoint): RelabelConfig[] {
  const steps: RelabelConfig[] = [];
  if (endpoint.port !== undefined)
    steps.push({ source_labels: [META[kind].portName], regex: literal(endpoint.port), action: "keep" });
  if (typeof endpoint.targetPort === "number")
    steps.push({
      source_labels: ["__meta_kubernetes_pod_container_port_number"],
      regex: String(endpoint.targetPort),
      action: "keep",
    });
  if (typeof endpoint.targetPort === "string")
    steps.push({
      source_labels: ["__meta_kubernetes_pod_container_port_name"],
      regex: literal(endpoint.targetPort),
      action: "keep",
    });
  return steps;
}

/**
 * targetLabels and podTargetLabels: each label of the Service or Pod that has a value, copied onto the target
 * under its sanitized name, as the operator does.
 */
function copiedLabels(
  object: "__meta_kubernetes_service" | "__meta_kubernetes_pod",
  labels: readonly string[],
): RelabelConfig[] {
  return labels.map((l) => ({
    source_labels: [`${object}_label_${metaName(l)}`],
    target_label: metaName(l),
    regex: "(.+)",
    replacement: "${1}",
    action: "replace",
  }));
}

/**
 * The job, as the operator names it: the Service's name, or `<namespace>/<name>` of a PodMonitor (its name
 * alone where it has no namespace), then the jobLabel's value where the object carries that label, so
 * dashboards and rules written against the operator's jobs keep matching after an import.
 */
function jobSteps(kind: Kind, monitor: TeamMonitor): RelabelConfig[] {
  const named: RelabelConfig =
    kind === "services"
      ? { source_labels: ["__meta_kubernetes_service_name"], target_label: "job", action: "replace" }
      : {
          target_label: "job",
          replacement: monitor.namespace !== undefined ? `${monitor.namespace}/${monitor.name}` : monitor.name,
          action: "replace",
        };
  const labeled: RelabelConfig[] =
    monitor.jobLabel !== undefined
      ? [
          {
            source_labels: [`${META[kind].object}_label_${metaName(monitor.jobLabel)}`],
            regex: "(.+)",
            target_label: "job",
            action: "replace",
          },
        ]
      : [];
  return [named, ...labeled];
}

/** Where a target is in the cluster, the object labels the monitor copies, and its job. */
function targetLabels(kind: Kind, monitor: TeamMonitor, endpoint: TeamEndpoint): RelabelConfig[] {
  return [
    ...POD_LABELS,
    { source_labels: ["__meta_kubernetes_pod_container_name"], target_label: "container", action: "replace" },
    ...(kind === "services"
      ? [{ source_labels: ["__meta_kubernetes_service_name"], target_label: "service", action: "replace" } as const]
      : []),
    ...(endpoint.port !== undefined
      ? [{ target_label: "endpoint", replacement: endpoint.port, action: "replace" } as const]
      : []),
    ...("targetLabels" in monitor ? copiedLabels("__meta_kubernetes_service", monitor.targetLabels) : []),
    ...copiedLabels("__meta_kubernetes_pod", monitor.podTargetLabels),
    ...jobSteps(kind, monitor),
  ];
}

function relabelConfig(r: TeamRelabeling): RelabelConfig {
  return {
    ...(r.sourceLabels ? { source_labels: r.sourceLabels } : {}),
    ...(r.separator !== undefined ? { separator: r.separator } : {}),
    ...(r.targetLabel !== undefined ? { target_label: r.targetLabel } : {}),
    ...(r.regex !== undefined ? { regex: r.regex } : {}),
    ...(r.modulus !== undefined ? { modulus: r.modulus } : {}),
    ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
    action: r.action,
  };
}

/** Written last, so it wins over the team's relabelings and, on series, over a target's own `team` label. */
const teamLabel = (team: string): RelabelConfig => ({ target_label: TEAM_LABEL, replacement: team, action: "replace" });

function endpointJob(
  team: Team,
  kind: Kind,
  monitor: TeamMonitor,
  endpoint: TeamEndpoint,
  index: number,
  settings: ScrapeJobSettings,
  credentialsDir: string,
): ScrapeConfig {
  const { any, matchNames } = monitor.namespaceSelector;
  const namespaces = any ? undefined : matchNames.length > 0 ? matchNames : team.namespaces;
  const base = limits(settings);
  return {
    job_name: teamJobName(team.name, kind, monitor.name, index),
    ...(endpoint.interval ? { scrape_interval: endpoint.interval } : {}),
    ...(endpoint.scrapeTimeout || endpoint.interval
      ? { scrape_timeout: endpoint.scrapeTimeout ?? scrapeTimeout(endpoint.interval!) }
      : {}),
    metrics_path: endpoint.path,
    scheme: endpoint.scheme,
    ...(endpoint.honorLabels ? { honor_labels: true } : {}),
    ...(endpoint.params ? { params: endpoint.params } : {}),
    ...USER_TARGETS,
    sample_limit: monitor.sampleLimit ?? base.sample_limit,
    label_limit: monitor.labelLimit ?? base.label_limit,
    ...endpointHttpClient(monitor.namespace, endpoint, credentialsDir),
    kubernetes_sd_configs: kubernetesSd(META[kind].role, namespaces),
    relabel_configs: [
      ...(kind === "pods"
        ? [
            {
              source_labels: ["__meta_kubernetes_pod_phase"],
              regex: "Pending|Succeeded|Failed",
              action: "drop",
            } as const,
          ]
        : []),
      ...selectorSteps(kind, monitor.selector),
      ...portSteps(kind, endpoint),
      ...targetLabels(kind, monitor, endpoint),
      ...endpoint.relabelings.map(relabelConfig),
      teamLabel(team.name),
      // On the final address: a team's relabeling may have changed it.
      ...hashmodSharding(settings.position),
    ],
    metric_relabel_configs: [...endpoint.metricRelabelings.map(relabelConfig), teamLabel(team.name)],
  };
}

/**
 * Every team's jobs, in the order of the teams and their monitors; `credentialsDir` is where the Prometheus
 * pods mount the copy of the teams' credentials (./credentials.ts).
 */
export function teamJobs(teams: readonly Team[], settings: ScrapeJobSettings, credentialsDir: string): ScrapeConfig[] {
  return teams.flatMap((team) =>
    (["services", "pods"] as const).flatMap((kind) =>
      team[kind].flatMap((monitor: TeamMonitor) =>
        monitor.endpoints.map((endpoint, i) => endpointJob(team, kind, monitor, endpoint, i, settings, credentialsDir)),
      ),
    ),
  );
}
