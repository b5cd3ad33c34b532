import * as assert from "assert";
import * as YAML from "yaml";
import { GLOBAL_FILES, dashboardFile, renderGlobalFiles } from "../../builders/global/render";
import { FEDERATION_OWN_SERIES } from "../../builders/federation/series";
import { GLOBAL_RECORDING_RULES } from "../../builders/federation/rules";
import { DATASOURCE_UIDS } from "../../builders/grafana/datasources";
import { grafanaDashboards } from "../../builders/grafana/dashboards";
import { metricNamesIn } from "../../builders/grafana/promql";
import { exposedRegion, globalConfig, renderOptions } from "../fixtures/global-fixtures";

const regions = [exposedRegion("us-east", 0), exposedRegion("eu-west", 1)];
const files = renderGlobalFiles(globalConfig(["us-east", "eu-west"]), regions, renderOptions(regions));
const queries = (board: any): string[] => board.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));

describe("Grafana provisioning of the global tier", () => {
  it("provisions Thanos Query as the default datasource, the federation Prometheus and one datasource per region", () => {
    const { datasources } = YAML.parse(files[GLOBAL_FILES.grafanaDatasources]);
    assert.deepStrictEqual(datasources.map((d: any) => d.uid), ["thanos-query", "federation-prometheus", "region-us-east", "region-eu-west"]);
    assert.deepStrictEqual(datasources.filter((d: any) => d.isDefault).map((d: any) => d.uid), ["thanos-query"]);
    assert.match(datasources[0].url, /^https:\/\/thanos-query-frontend\.monitoring\.svc:9090$/);
    assert.match(datasources[0].secureJsonData.tlsCACert, /^\$__file\{\/etc\/grafana\/tls\/ca\.crt\}$/);
  });

  it("restricts a region's datasource to that region's StoreAPIs, on Thanos Query itself (the frontend's cache ignores storeMatch)", () => {
    const { datasources } = YAML.parse(files[GLOBAL_FILES.grafanaDatasources]);
    const region = datasources.find((d: any) => d.uid === "region-eu-west");
    assert.strictEqual(region.url, "http://thanos-query.monitoring.svc:10902");
    const euWest = decodeURIComponent(region.jsonData.customQueryParameters);
    assert.strictEqual(euWest, 'storeMatch[]={__address__=~"192\\\\.0\\\\.2\\\\.21:10901|192\\\\.0\\\\.2\\\\.22:10901|store-eu-west\\\\.lb\\\\.example\\\\.com:10901"}');
  });

  it("provisions both dashboards from code, read-only", () => {
    assert.ok(files[dashboardFile("global-overview.json")]);
    assert.ok(files[dashboardFile("monitoring-stack-health.json")]);
    const { providers } = YAML.parse(files[GLOBAL_FILES.grafanaDashboardProviders]);
    assert.strictEqual(providers[0].allowUiUpdates, false);
  });

  it("the overview shows request rate, error rate and p95 latency by region", () => {
    const overview = grafanaDashboards()["global-overview.json"] as any;
    assert.deepStrictEqual(overview.panels.map((p: any) => p.title), ["Request rate", "Error rate", "p95 latency"]);
    for (const expr of queries(overview)) assert.match(expr, /by \(region(, le)?\)/);
    assert.match(queries(overview)[2], /^histogram_quantile\(0\.95,/);
  });

  it("the stack health board shows targets up, sidecar uploads, compactor halted and Alertmanager cluster size", () => {
    const health = grafanaDashboards()["monitoring-stack-health.json"] as any;
    assert.deepStrictEqual(health.panels.map((p: any) => p.title), ["Targets up", "Sidecar uploads", "Compactor halted", "Alertmanager cluster size"]);
  });

  it("every dashboard query names only series the global rules record or the federation Prometheus scrapes itself, through Thanos Query", () => {
    const existing = new Set<string>([...GLOBAL_RECORDING_RULES.map((r) => r.record), ...Object.values(FEDERATION_OWN_SERIES)]);
    for (const [name, board] of Object.entries(grafanaDashboards())) {
      for (const expr of queries(board)) {
        const names = metricNamesIn(expr);
        assert.ok(names.length > 0, `${name}: '${expr}' selects a series`);
        for (const metric of names) assert.ok(existing.has(metric), `${name}: '${expr}' reads ${metric}, which nothing records`);
      }
      for (const panel of (board as any).panels) assert.strictEqual(panel.datasource.uid, DATASOURCE_UIDS.thanos);
    }
  });

  it("finds metric names in PromQL, and only those", () => {
    assert.deepStrictEqual(metricNamesIn('histogram_quantile(0.95, sum by (region, le) (rate(a:b_bucket{job="x", le!="+Inf"}[5m])))'), ["a:b_bucket"]);
    assert.deepStrictEqual(metricNamesIn("sum by (region) (x) / on (region) group_left sum without (shard) (y offset 5m) > bool 1e3"), ["x", "y"]);
    assert.deepStrictEqual(metricNamesIn('count(up{job="alertmanager"} == 1)'), ["up"]);
  });
});
