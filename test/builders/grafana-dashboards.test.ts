/**
 * The default dashboards as Grafana provisions them: one JSON file each in the provider's folder, unique
 * uids and titles, the schema version Grafana 12.1 knows, datasources that the provisioning defines, the
 * per-region variables, and every query reading a series the stack records or scrapes (and does not drop).
 */
import * as assert from "node:assert";
import * as YAML from "yaml";
import { GRAFANA } from "../../builders/global/layout";
import { GLOBAL_FILES, dashboardFile, renderGlobalFiles } from "../../builders/global/render";
import { DATASOURCE_UIDS } from "../../builders/grafana/datasources";
import { dashboardQueries, grafanaDashboards } from "../../builders/grafana/dashboards";
import {
  GLOBAL_SCOPE,
  GLOBAL_TIER,
  IN_REGION,
  REGION_AND_CLUSTER,
  SCHEMA_VERSION,
  STACK_TAG,
} from "../../builders/grafana/dashboards/helpers";
import { interpolate, metricNamesIn, parseLabelValues, variableMetricNames } from "../../builders/grafana/promql";
import { renderRegionalFiles } from "../../builders/regional/render";
import { VERSIONS } from "../../versions";
import { CADVISOR, KUBE_STATE_METRICS } from "../fixtures/kubernetes-metrics";
import { everyDashboardQuery, sourceOf } from "../support/dashboard-series";
import { exposedRegion, globalConfig, renderOptions } from "../fixtures/global-fixtures";
import { CERTIFICATES_EXPIRE, bucketOf, regionalStack } from "../fixtures/regional-fixtures";

const regions = [exposedRegion("us-east", 0), exposedRegion("eu-west", 1)];
const files = renderGlobalFiles(globalConfig(["us-east", "eu-west"]), regions, renderOptions(regions));
const boards = Object.entries(grafanaDashboards());
/** Grafana's own variables, which it fills in itself. */
const BUILT_IN = new Set(["__rate_interval", "__interval", "__range"]);
const variablesUsed = (expr: string) =>
  [...expr.matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1]).filter((name) => !BUILT_IN.has(name));

/** Every datasource reference of a dashboard: panels, their queries, and variables. */
function datasourceRefs(board: any): { where: string; uid: string; type: string }[] {
  const panels = board.panels.filter((p: any) => p.type !== "row");
  return [
    ...panels.flatMap((p: any) => [
      { where: p.title, ...p.datasource },
      ...p.targets.map((t: any) => ({ where: `${p.title} ${t.refId}`, ...t.datasource })),
    ]),
    ...(board.templating.list ?? []).map((v: any) => ({ where: `$${v.name}`, ...v.datasource })),
  ];
}

describe("default Grafana dashboards", () => {
  it("provisions every dashboard as a JSON file of the provider's folder, named after its uid", () => {
    const { providers } = YAML.parse(files[GLOBAL_FILES.grafanaDashboardProviders]);
    assert.strictEqual(providers.length, 1);
    assert.deepStrictEqual(
      {
        type: providers[0].type,
        folder: providers[0].folder,
        path: providers[0].options.path,
        allowUiUpdates: providers[0].allowUiUpdates,
      },
      { type: "file", folder: "Monitoring", path: GRAFANA.dashboardsDir, allowUiUpdates: false },
    );
    const provisioned = Object.keys(files).filter((name) => name.startsWith(dashboardFile("")));
    assert.deepStrictEqual(provisioned.sort(), boards.map(([name]) => dashboardFile(name)).sort());
    // They share one ConfigMap, which Kubernetes caps at 1 MiB.
    const bytes = provisioned.reduce((sum, name) => sum + Buffer.byteLength(files[name]), 0);
    assert.ok(bytes < (1024 * 1024) / 2, `the dashboards take ${bytes} bytes, within half a ConfigMap`);
    for (const [name, board] of boards) {
      assert.strictEqual(name, `${board.uid}.json`);
      assert.deepStrictEqual(
        JSON.parse(files[dashboardFile(name)]),
        JSON.parse(JSON.stringify(board)),
        `${name} is written as built`,
      );
    }
  });

  it("gives every dashboard a unique uid Grafana accepts, a unique title, its schema version, the stack's tag, read-only", () => {
    assert.deepStrictEqual(
      boards.map(([name]) => name).sort(),
      [
        "alertmanager",
        "global-overview",
        "monitoring-stack-health",
        "nodes",
        "prometheus",
        "region-overview",
        "thanos",
        "workloads",
      ].map((n) => `${n}.json`),
    );
    // The newest schema Grafana 12.1 migrates to; a newer Grafana needs the constant read again.
    assert.match(VERSIONS.grafana, /^12\.1\./);
    assert.strictEqual(SCHEMA_VERSION, 41);
    const uids = boards.map(([, b]) => b.uid as string);
    const titles = boards.map(([, b]) => b.title);
    assert.strictEqual(new Set(uids).size, uids.length);
    assert.strictEqual(new Set(titles).size, titles.length);
    for (const [name, board] of boards) {
      // Grafana's uid: at most 40 characters of letters, digits, '-' and '_'.
      assert.match(board.uid as string, /^[a-zA-Z0-9_-]{1,40}$/, name);
      assert.strictEqual(board.schemaVersion, SCHEMA_VERSION, name);
      assert.strictEqual(board.editable, false, name);
      assert.ok(board.tags?.includes(STACK_TAG), name);
      const ids = (board.panels ?? []).map((p) => p.id);
      assert.strictEqual(new Set(ids).size, ids.length, `${name}: panel ids are unique`);
      const placed = (board.panels ?? []).map((p) => ({ title: p.title, ...p.gridPos! }));
      for (const [i, a] of placed.entries()) {
        assert.ok(a.x + a.w <= 24, `${name}: '${a.title}' fits the grid`);
        for (const b of placed.slice(i + 1)) {
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          assert.ok(!overlap, `${name}: '${a.title}' and '${b.title}' do not overlap`);
        }
      }
    }
  });

  it("names only datasources the provisioning defines, by uid: Thanos Query for every panel and variable", () => {
    const provisioned = new Map<string, string>(
      YAML.parse(files[GLOBAL_FILES.grafanaDatasources]).datasources.map((d: any) => [d.uid, d.type]),
    );
    for (const [name, board] of boards) {
      const refs = datasourceRefs(board);
      assert.ok(refs.length > 3, name);
      for (const ref of refs) {
        assert.strictEqual(
          provisioned.get(ref.uid),
          ref.type,
          `${name}: ${ref.where} names datasource '${ref.uid}' (${ref.type})`,
        );
        assert.strictEqual(ref.uid, DATASOURCE_UIDS.thanos, `${name}: ${ref.where} reads Thanos Query`);
      }
    }
  });

  it("lets the per-region dashboards pick a region and its cluster, and confines every query to them", () => {
    for (const [name, board] of boards) {
      const variables = (board.templating?.list ?? []).map((v) => v.name);
      const { panels } = dashboardQueries(board);
      if (board.tags?.includes(GLOBAL_SCOPE)) {
        assert.deepStrictEqual(variables, [], name);
        continue;
      }
      assert.deepStrictEqual(variables.slice(0, 2), ["region", "cluster"], name);
      const [region, cluster] = board.templating!.list!;
      assert.deepStrictEqual(parseLabelValues(String(region.query)), { selector: 'up{region!=""}', label: "region" });
      assert.deepStrictEqual(parseLabelValues(String(cluster.query)), {
        selector: 'up{region="$region"}',
        label: "cluster",
      });
      for (const v of board.templating!.list!) assert.strictEqual(v.type, "query", `${name}: $${v.name}`);
      for (const expr of panels) {
        // The global tier's own components (the Query Frontend) are the same whichever region is picked.
        if (expr.includes(GLOBAL_TIER)) {
          assert.ok(!expr.includes(REGION_AND_CLUSTER), `${name}: '${expr}' reads the global tier, not a region`);
          continue;
        }
        assert.ok(expr.includes(REGION_AND_CLUSTER), `${name}: '${expr}' is confined to the region and cluster`);
        // The federation's copies of regional series would be counted twice; only the global rules live there alone.
        const readsGlobalRules = metricNamesIn(expr).every((metric) => metric.startsWith("global:"));
        assert.ok(
          readsGlobalRules || expr.includes(IN_REGION),
          `${name}: '${expr}' reads the region's own series, not also the federation's copies`,
        );
      }
    }
  });

  it("uses no variable a dashboard does not define", () => {
    for (const [name, board] of boards) {
      const defined = new Set((board.templating?.list ?? []).map((v) => v.name));
      const { panels, variables } = dashboardQueries(board);
      const rowTitles = (board.panels ?? []).filter((p) => p.type === "row").map((p) => p.title ?? "");
      for (const text of [...panels, ...variables, ...rowTitles])
        for (const used of variablesUsed(text)) assert.ok(defined.has(used), `${name}: '${text}' uses $${used}`);
    }
  });

  it("reads only series the stack records or scrapes: its recording rules, the binaries it runs, kube-state-metrics and cAdvisor at their pinned versions", () => {
    assert.strictEqual(
      KUBE_STATE_METRICS.version,
      VERSIONS.kubeStateMetrics,
      "the kube-state-metrics fixture was read at the pinned version",
    );
    for (const stack of ["us-east", "eu-west"] as const)
      assert.strictEqual(
        regionalStack(stack).cluster.kubernetesVersion,
        CADVISOR.kubernetesMinor,
        `${stack}'s cAdvisor is the fixture's`,
      );
    const queries = everyDashboardQuery();
    const sources = new Set<string>();
    for (const q of queries) {
      assert.ok(q.names.length > 0 || q.kind === "variable", `${q.dashboard}: '${q.expr}' selects a series`);
      for (const name of q.names) {
        const source = sourceOf(name);
        assert.ok(source, `${q.dashboard}: '${q.expr}' reads ${name}, which nothing the stack runs records or exposes`);
        sources.add(source);
      }
    }
    assert.deepStrictEqual([...sources].sort(), [
      "alertmanager",
      "cadvisor",
      "kube-state-metrics",
      "node_exporter",
      "prometheus",
      "recording rule",
      "thanos",
    ]);
  });

  it("reads no series a scrape job drops", () => {
    const config = regionalStack("us-east");
    const rendered = renderRegionalFiles({
      config,
      objectStore: bucketOf(config),
      certificatesExpire: CERTIFICATES_EXPIRE,
    });
    const prometheus = YAML.parse(
      rendered[Object.keys(rendered).find((n) => /^prometheus\/shard-0\/.+\.yaml$/.test(n))!],
    );
    const drops = prometheus.scrape_configs.flatMap((job: any) =>
      (job.metric_relabel_configs ?? [])
        .filter((r: any) => r.action === "drop" && r.source_labels?.length === 1 && r.source_labels[0] === "__name__")
        .map((r: any) => ({ job: job.job_name, regex: new RegExp(`^(?:${r.regex})$`) })),
    );
    assert.ok(
      drops.some((d: any) => d.job === "cadvisor"),
      "the cAdvisor job drops series (so this test can fail)",
    );
    for (const q of everyDashboardQuery()) {
      for (const name of q.names) {
        const dropping = drops.filter((d: any) => d.regex.test(name)).map((d: any) => d.job);
        assert.deepStrictEqual(dropping, [], `${q.dashboard}: '${q.expr}' reads ${name}, which these jobs drop`);
      }
    }
  });

  it("shows what each dashboard is for", () => {
    const reads = (file: string) =>
      new Set(
        everyDashboardQuery()
          .filter((q) => q.dashboard === file)
          .flatMap((q) => q.names),
      );
    const expected: Record<string, readonly string[]> = {
      "global-overview.json": [
        "global:http_requests:rate5m",
        "global:http_request_errors:rate5m",
        "global:http_request_duration_seconds_bucket:rate5m",
      ],
      "region-overview.json": [
        "region:http_requests:rate5m",
        "job:up:sum",
        "instance:node_cpu_utilisation:rate5m",
        "instance:node_memory_utilisation:ratio",
      ],
      "nodes.json": [
        "node_cpu_seconds_total",
        "node_memory_MemAvailable_bytes",
        "node_disk_read_bytes_total",
        "node_filesystem_avail_bytes",
        "node_network_receive_bytes_total",
      ],
      "workloads.json": [
        "container_cpu_usage_seconds_total",
        "container_memory_working_set_bytes",
        "kube_pod_container_resource_requests",
        "kube_pod_container_resource_limits",
      ],
      "prometheus.json": [
        "prometheus_tsdb_head_samples_appended_total",
        "prometheus_tsdb_head_series",
        "scrape_duration_seconds",
        "prometheus_rule_evaluation_failures_total",
        "prometheus_notifications_errors_total",
        "prometheus_tsdb_compactions_failed_total",
      ],
      "thanos.json": [
        "global:thanos_shipper_upload_failures:rate5m",
        "grpc_server_handling_seconds_bucket",
        "thanos_objstore_bucket_operations_total",
        "thanos_compact_halted",
        "thanos_compact_todo_downsample_blocks",
        "thanos_store_index_cache_hits_total",
        "http_requests_total",
        "http_request_duration_seconds_bucket",
        "thanos_query_frontend_queries_total",
        "cortex_cache_hits_total",
      ],
      "alertmanager.json": [
        "alertmanager_alerts",
        "alertmanager_notifications_total",
        "alertmanager_notifications_failed_total",
        "alertmanager_cluster_members",
      ],
    };
    for (const [file, names] of Object.entries(expected))
      for (const name of names) assert.ok(reads(file).has(name), `${file} reads ${name}`);
  });
});

describe("PromQL as the dashboard tests read it", () => {
  it("finds metric names in PromQL, and only those", () => {
    assert.deepStrictEqual(
      metricNamesIn('histogram_quantile(0.95, sum by (region, le) (rate(a:b_bucket{job="x", le!="+Inf"}[5m])))'),
      ["a:b_bucket"],
    );
    assert.deepStrictEqual(
      metricNamesIn("sum by (region) (x) / on (region) group_left sum without (shard) (y offset 5m) > bool 1e3"),
      ["x", "y"],
    );
    assert.deepStrictEqual(metricNamesIn('count(up{job="alertmanager"} == 1)'), ["up"]);
    assert.deepStrictEqual(
      metricNamesIn('node_load1{a="$x"} / on (instance) count by (instance) (n{mode="idle"}[$__rate_interval])'),
      ["node_load1", "n"],
    );
  });

  it("reads the selector of a label_values variable, not its label", () => {
    assert.deepStrictEqual(variableMetricNames('label_values(kube_pod_info{cluster="$cluster"}, namespace)'), [
      "kube_pod_info",
    ]);
    assert.deepStrictEqual(variableMetricNames("label_values(region)"), []);
    assert.deepStrictEqual(parseLabelValues("label_values(up, job)"), { selector: "up", label: "job" });
    assert.strictEqual(parseLabelValues("sum(up)"), undefined);
  });

  it("fills in Grafana variables, and refuses one without a value", () => {
    assert.strictEqual(
      interpolate('rate(x{r="$region"}[$__rate_interval]) ${region}', { region: "eu", __rate_interval: "1m" }),
      'rate(x{r="eu"}[1m]) eu',
    );
    assert.throws(() => interpolate('x{c="$cluster"}', {}), /\$cluster/);
  });
});
