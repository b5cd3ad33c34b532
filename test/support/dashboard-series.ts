/**
 * Where each series a default dashboard reads comes from: a recording rule the stack renders, a component
 * only a cluster runs (its names in test/fixtures/kubernetes-metrics.ts), or a component the local topology
 * runs with the pinned binary (the e2e test asks the running binaries for those names).
 */
import { GLOBAL_RECORDING_RULES } from "../../builders/federation/rules";
import { grafanaDashboards, dashboardQueries } from "../../builders/grafana/dashboards";
import { metricNamesIn, variableMetricNames } from "../../builders/grafana/promql";
import { recordingRules } from "../../builders/rules/recording";
import { CADVISOR, KUBE_STATE_METRICS } from "../fixtures/kubernetes-metrics";

export type SeriesSource = "recording rule" | "kube-state-metrics" | "cadvisor" | LocalComponent;
export type LocalComponent = "prometheus" | "node_exporter" | "thanos" | "alertmanager";

/** What each binary of the local topology exposes, by the prefix of its names. */
const LOCAL_PREFIXES: readonly { readonly component: LocalComponent; readonly pattern: RegExp }[] = [
  // Prometheus writes `up` and `scrape_*` for every target it scrapes.
  { component: "prometheus", pattern: /^(prometheus_|up$|scrape_)/ },
  { component: "node_exporter", pattern: /^node_/ },
  // Thanos' StoreAPI servers count their gRPC calls with go-grpc-middleware's `grpc_server_*`; the Query
  // Frontend its requests as `http_request*` (handler "query-frontend") and its results cache as Cortex's `cortex_cache_*`.
  {
    component: "thanos",
    pattern: /^(thanos_|grpc_server_|http_requests_total$|http_request_duration_seconds_|cortex_cache_)/,
  },
  { component: "alertmanager", pattern: /^alertmanager_/ },
];

const RECORDED = new Set<string>([
  ...recordingRules().groups.flatMap((g) => g.rules.map((r) => r.record)),
  ...GLOBAL_RECORDING_RULES.map((r) => r.record),
]);
const KSM = new Set<string>(KUBE_STATE_METRICS.names);
const CADVISOR_NAMES = new Set<string>(CADVISOR.names);

/** Where a series comes from, or undefined when nothing the stack runs records or exposes it. */
export function sourceOf(name: string): SeriesSource | undefined {
  if (RECORDED.has(name)) return "recording rule";
  if (KSM.has(name)) return "kube-state-metrics";
  if (CADVISOR_NAMES.has(name)) return "cadvisor";
  return LOCAL_PREFIXES.find((p) => p.pattern.test(name))?.component;
}

export interface DashboardQuery {
  readonly dashboard: string;
  readonly kind: "panel" | "variable";
  readonly expr: string;
  readonly names: readonly string[];
}

/** Every panel and variable query of every default dashboard, with the metric names it reads. */
export function everyDashboardQuery(): DashboardQuery[] {
  return Object.entries(grafanaDashboards()).flatMap(([file, board]) => {
    const { panels, variables } = dashboardQueries(board);
    return [
      ...panels.map((expr) => ({ dashboard: file, kind: "panel" as const, expr, names: metricNamesIn(expr) })),
      ...variables.map((expr) => ({
        dashboard: file,
        kind: "variable" as const,
        expr,
        names: variableMetricNames(expr),
      })),
    ];
  });
}

/** Whether every series a query reads exists in the local topology (no cluster-only component). */
export function readsOnlyLocalSeries(query: DashboardQuery): boolean {
  return query.names.every((name) => {
    const source = sourceOf(name);
    return source !== undefined && source !== "kube-state-metrics" && source !== "cadvisor";
  });
}
