import { FEDERATION_OWN_SERIES } from "../federation/series";
import { ALERTMANAGER_SCRAPE_JOB } from "../federation/config";
import { DATASOURCE_UIDS } from "./datasources";

interface PanelQuery {
  readonly expr: string;
  readonly legend: string;
}

interface PanelSpec {
  readonly title: string;
  readonly unit: string;
  readonly queries: readonly PanelQuery[];
  readonly description: string;
}

/**
 * Thanos Query, which reads the global series from both federation replicas (through their sidecars) and
 * deduplicates them, so a federation replica's restart leaves no gap on the dashboards.
 */
const DASHBOARD_DATASOURCE = { type: "prometheus", uid: DATASOURCE_UIDS.thanos };
const PANEL_WIDTH = 12;
const PANEL_HEIGHT = 8;

/** A Grafana dashboard of time-series panels, two per row, every query against Thanos Query. */
function dashboard(uid: string, title: string, panels: readonly PanelSpec[]) {
  return {
    uid,
    title,
    tags: ["monitoring", "global"],
    timezone: "utc",
    editable: false,
    schemaVersion: 39,
    refresh: "1m",
    time: { from: "now-6h", to: "now" },
    panels: panels.map((p, i) => ({
      id: i + 1,
      type: "timeseries",
      title: p.title,
      description: p.description,
      datasource: DASHBOARD_DATASOURCE,
      gridPos: { x: (i % 2) * PANEL_WIDTH, y: Math.floor(i / 2) * PANEL_HEIGHT, w: PANEL_WIDTH, h: PANEL_HEIGHT },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      targets: p.queries.map((q, j) => ({
        refId: String.fromCharCode(65 + j),
        datasource: DASHBOARD_DATASOURCE,
        expr: q.expr,
        legendFormat: q.legend,
      })),
    })),
  };
}

/** Request rate, error ratio and p95 latency of every region, from the global recording rules. */
export function globalOverviewDashboard() {
  return dashboard("global-overview", "Global overview by region", [
    {
      title: "Request rate",
      unit: "reqps",
      description: "HTTP requests per second served in each region.",
      queries: [{ expr: "sum by (region) (global:http_requests:rate5m)", legend: "{{region}}" }],
    },
    {
      title: "Error rate",
      unit: "percentunit",
      description: "Share of HTTP requests answered with a 5xx status.",
      queries: [
        {
          expr: "sum by (region) (global:http_request_errors:rate5m) / sum by (region) (global:http_requests:rate5m)",
          legend: "{{region}}",
        },
      ],
    },
    {
      title: "p95 latency",
      unit: "s",
      description: "95th percentile of HTTP request duration, from the regions' summed histogram buckets.",
      queries: [
        {
          expr: "histogram_quantile(0.95, sum by (region, le) (global:http_request_duration_seconds_bucket:rate5m))",
          legend: "{{region}}",
        },
      ],
    },
  ]);
}

/** Health of the monitoring stack itself: scrape targets, sidecar uploads, compactors, the Alertmanager mesh. */
export function stackHealthDashboard() {
  const amJob = `job="${ALERTMANAGER_SCRAPE_JOB}"`;
  return dashboard("monitoring-stack-health", "Monitoring stack health", [
    {
      title: "Targets up",
      unit: "percentunit",
      description: "Share of each region's scrape targets that answered their last scrape.",
      queries: [{ expr: "sum by (region) (global:up:sum) / sum by (region) (global:up:count)", legend: "{{region}}" }],
    },
    {
      title: "Sidecar uploads",
      unit: "ops",
      description: "Blocks the Thanos sidecars upload to each region's bucket, and failed uploads.",
      queries: [
        { expr: "sum by (region) (global:thanos_shipper_uploads:rate5m)", legend: "{{region}} uploads" },
        { expr: "sum by (region) (global:thanos_shipper_upload_failures:rate5m)", legend: "{{region}} failures" },
      ],
    },
    {
      title: "Compactor halted",
      unit: "bool",
      description: "1 when a region's compactor has halted on an error and needs an operator.",
      queries: [{ expr: "max by (region) (global:thanos_compact_halted:max)", legend: "{{region}}" }],
    },
    {
      title: "Alertmanager cluster size",
      unit: "short",
      description: "Peers each Alertmanager sees in the mesh, and peers answering scrapes.",
      queries: [
        { expr: `min(${FEDERATION_OWN_SERIES.alertmanagerMembers}{${amJob}})`, legend: "members seen (min)" },
        { expr: `count(${FEDERATION_OWN_SERIES.up}{${amJob}} == 1)`, legend: "peers up" },
      ],
    },
  ]);
}

/** Every provisioned dashboard, by file name. */
export function grafanaDashboards(): Record<string, object> {
  return { "global-overview.json": globalOverviewDashboard(), "monitoring-stack-health.json": stackHealthDashboard() };
}
