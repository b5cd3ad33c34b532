/**
 * What every default dashboard shares: the datasource it reads, the template variables of the per-region
 * views, the two panel shapes, and the dashboard frame (uid, tags, schema version, read-only, UTC).
 */
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { FEDERATION_CLUSTER_LABEL } from "../../federation/config";
import { globalRecordOf } from "../../federation/rules";
import { RECORDED } from "../../rules/recording";
import { DATASOURCE_UIDS } from "../datasources";

/**
 * Every dashboard reads Thanos Query (through the Query Frontend), deduplicated over the replica label. The
 * global views read the federation's `global:` rules, the per-region views read the regions' own series with
 * a `region`/`cluster` matcher: Thanos Query only asks the StoreAPIs whose external labels match it, so that
 * is the fan-out of the region's own datasource, with one datasource that sees every region for the
 * variables to list them, and the frontend's cache in front.
 */
export const THANOS: common.DataSourceRef = { type: "prometheus", uid: DATASOURCE_UIDS.thanos };

/**
 * Grafana 12.1's dashboard schema (the SDK writes the next one, 42, which it does not know; an older version
 * is migrated on load, a newer one is not).
 */
export const SCHEMA_VERSION = 41;
export const STACK_TAG = "monitoring";
/** The tag of the dashboards that show every region at once (the others show one region and cluster). */
export const GLOBAL_SCOPE = "global";

/** The region and cluster a per-region dashboard shows, after the variables below. */
export const REGION_AND_CLUSTER = 'region="$region", cluster="$cluster"';

/**
 * The region's own series. The federation holds copies of the regional recording rules with the same labels
 * and its own `federation_cluster`, which Thanos Query's deduplication does not merge with the region's: a
 * sum would count them twice. Excluding that label also keeps the federation's StoreAPIs out of the query.
 */
export const IN_REGION = `${REGION_AND_CLUSTER}, ${FEDERATION_CLUSTER_LABEL}=""`;

/**
 * The global tier's own components, which only the federation scrapes, on a per-region dashboard: the same
 * series whichever region is picked. Their series carry the federation's external label, which keeps the
 * regions' StoreAPIs out of the query as IN_REGION keeps the federation's out.
 */
export const GLOBAL_TIER = `${FEDERATION_CLUSTER_LABEL}!=""`;

/** A PromQL query and the legend of its series. */
export interface Query {
  readonly expr: string;
  readonly legend: string;
}

export const q = (expr: string, legend: string): Query => ({ expr, legend });

/** `label_values(selector, label)`: the variable query that lists a label's values among existing series. */
export const labelValues = (selector: string, label: string) => `label_values(${selector}, ${label})`;

function queryVariable(name: string, label: string, query: string, all: boolean) {
  const variable = new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(THANOS)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
  return all ? variable.includeAll(true).allValue(".*") : variable;
}

/**
 * `region`, then `cluster` within it, listed from `up`: every regional Prometheus scrapes targets, and each of
 * its series carries the region's external labels (the federation's own `up` has no `region`).
 */
export function regionVariables() {
  return [
    queryVariable("region", "Region", labelValues('up{region!=""}', "region"), false),
    queryVariable("cluster", "Cluster", labelValues('up{region="$region"}', "cluster"), false),
  ];
}

/** A variable over one more label of the region's series, with "All". */
export function regionLabelVariable(name: string, label: string, selector: string) {
  return queryVariable(name, label, labelValues(selector, name), true);
}

function targets(queries: readonly Query[]) {
  return queries.map((query, i) =>
    new prometheus.DataqueryBuilder()
      .datasource(THANOS)
      .refId(String.fromCharCode(65 + i))
      .expr(query.expr)
      .legendFormat(query.legend)
      .range(),
  );
}

export interface PanelOptions {
  /** Grid width of 24; two panels a row by default. */
  readonly width?: number;
  readonly stacked?: boolean;
  readonly max?: number;
}

/** A time series panel of one or more queries. */
export function graph(
  title: string,
  unit: string,
  description: string,
  queries: readonly Query[],
  o: PanelOptions = {},
) {
  const panel = new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(THANOS)
    .unit(unit)
    .min(0)
    .span(o.width ?? 12)
    .height(8)
    .fillOpacity(o.stacked ? 30 : 10)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending),
    )
    .targets(targets(queries));
  if (o.stacked) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  return o.max === undefined ? panel : panel.max(o.max);
}

/** A single number: the last value of one query, coloured by its thresholds. */
export function single(
  title: string,
  unit: string,
  description: string,
  query: Query,
  o: { readonly width?: number } = {},
) {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(THANOS)
    .unit(unit)
    .span(o.width ?? 6)
    .height(4)
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]))
    .targets(targets([query]));
}

export interface Section {
  readonly title: string;
  readonly panels: readonly (ReturnType<typeof graph> | ReturnType<typeof single>)[];
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  /** `global` (every region at once) or `region` (one region and cluster at a time). */
  readonly scope: typeof GLOBAL_SCOPE | "region";
  readonly variables?: readonly ReturnType<typeof queryVariable>[];
  readonly sections: readonly Section[];
}

/** The dashboard JSON Grafana provisions: read-only (code is the source of truth), UTC, panels numbered. */
export function stackDashboard(spec: DashboardSpec): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([STACK_TAG, spec.scope])
    .readonly()
    .timezone("utc")
    .refresh("1m")
    .time({ from: "now-6h", to: "now" })
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .variables([...(spec.variables ?? [])]);
  for (const section of spec.sections) {
    builder.withRow(new dashboard.RowBuilder(section.title));
    for (const panel of section.panels) builder.withPanel(panel);
  }
  const board = builder.build();
  board.schemaVersion = SCHEMA_VERSION;
  // Grafana keys a panel's links and state on its id; the builder leaves them unset.
  (board.panels ?? []).forEach((panel, i) => {
    panel.id = i + 1;
  });
  return board;
}

/** Every PromQL expression of a dashboard: its panels' queries and its variables' queries. */
export function dashboardQueries(board: dashboard.Dashboard): { panels: string[]; variables: string[] } {
  const panels = (board.panels ?? []).flatMap((p) =>
    ("targets" in p && p.targets ? p.targets : []).map((t) => (t as prometheus.Dataquery).expr),
  );
  const variables = (board.templating?.list ?? []).map((v) => String(v.query));
  return { panels, variables };
}

/** The latency recording rules of each level: the native histogram and the classic buckets. */
const LATENCY_RULES = {
  region: { native: RECORDED.latencyHistogram, classic: RECORDED.latencyBuckets },
  global: { native: globalRecordOf(RECORDED.latencyHistogram), classic: globalRecordOf(RECORDED.latencyBuckets) },
} as const;

/**
 * A latency quantile from the native histogram rule where it has series (finer buckets), else from the classic
 * buckets: `or` keeps the native answer of each group (`by`) and fills in the groups that have only classic ones.
 */
export function nativeFirstQuantile(
  quantile: number,
  by: readonly string[],
  selector: string,
  level: keyof typeof LATENCY_RULES,
): string {
  const { native, classic } = LATENCY_RULES[level];
  const nativeSum = by.length > 0 ? `sum by (${by.join(", ")})` : "sum";
  return `histogram_quantile(${quantile}, ${nativeSum} (${native}${selector})) or histogram_quantile(${quantile}, sum by (${[...by, "le"].join(", ")}) (${classic}${selector}))`;
}
