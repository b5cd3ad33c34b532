import * as assert from "node:assert";
import * as YAML from "yaml";
import { alertmanagerConfig } from "../../builders/alertmanager/config";
import { federationMatchers } from "../../builders/federation/series";
import { GRAFANA } from "../../builders/global/layout";
import { GLOBAL_FILES, renderGlobalFiles, teamDashboardFile } from "../../builders/global/render";
import { prometheusConfig } from "../../builders/prometheus/config";
import { discoveryRules } from "../../builders/prometheus/rbac";
import type { ScrapeJobSettings } from "../../builders/prometheus/scrape-jobs";
import { regionalPlan, regionalPrometheusParams } from "../../builders/regional/plan";
import { teamJobs } from "../../builders/teams/jobs";
import { ConfigError, type GlobalStackConfig, type RegionalStackConfig } from "../../config";
import { exposedRegion, globalConfig, renderOptions } from "../fixtures/global-fixtures";
import {
  FIXTURES,
  PAYMENTS_BY_CONFIG,
  PAYMENTS_BY_IMPORT,
  PAYMENTS_GLOBAL,
  PAYMENTS_SECRETS,
  usEastWithTeams,
} from "../fixtures/teams";

function shardConfig(config: RegionalStackConfig, shard = 0) {
  return prometheusConfig(
    regionalPrometheusParams(config, regionalPlan(config), config.cluster.name, shard, "prometheus-shard-0-0"),
  );
}

const jobsOf = (config: RegionalStackConfig, team = "payments") =>
  shardConfig(config).scrape_configs.filter((j) => j.job_name.startsWith(`${team}/`));

const SETTINGS: ScrapeJobSettings = {
  position: { shard: 0, shards: 1 },
  sampleLimit: 1,
  labelLimit: 1,
  monitoringNamespace: "m",
  serviceAccountTokenFile: "t",
  serviceAccountCaFile: "c",
  nodeExporterName: "n",
  kubeStateMetricsName: "k",
  thanosWorkloadNames: [],
};

describe("teams: scrape targets, rules, dashboards and routes by config", () => {
  const byConfig = usEastWithTeams([PAYMENTS_BY_CONFIG]);

  it("makes one job per endpoint, discovered through Kubernetes in the team's namespaces, limited like the built-in jobs", () => {
    const jobs = jobsOf(byConfig);
    assert.deepStrictEqual(
      jobs.map((j) => j.job_name),
      ["payments/services/api/0", "payments/pods/worker/0"],
    );
    const [api, worker] = jobs;
    assert.deepStrictEqual(api.kubernetes_sd_configs, [{ role: "endpointslice", namespaces: { names: ["payments"] } }]);
    assert.deepStrictEqual(worker.kubernetes_sd_configs, [{ role: "pod", namespaces: { names: ["payments"] } }]);
    assert.strictEqual(api.scrape_interval, "15s");
    assert.strictEqual(worker.metrics_path, "/stats/prometheus");
    for (const job of jobs) {
      assert.strictEqual(job.sample_limit, byConfig.prometheus.sampleLimit);
      assert.strictEqual(job.label_limit, byConfig.prometheus.labelLimit);
    }
    assert.ok(
      api.relabel_configs!.some(
        (r) =>
          r.action === "keep" &&
          r.source_labels?.[0] === "__meta_kubernetes_service_label_app_kubernetes_io_name" &&
          r.regex === "payments-api;true",
      ),
    );
    assert.ok(
      api.relabel_configs!.some(
        (r) =>
          r.action === "keep" &&
          r.source_labels?.[0] === "__meta_kubernetes_endpointslice_port_name" &&
          r.regex === "metrics",
      ),
    );
    assert.ok(worker.relabel_configs!.some((r) => r.action === "keep" && r.regex === "(payments-worker);true"));
  });

  it("names the jobs as the operator does: the Service's name, `<namespace>/<name>` of a PodMonitor, a jobLabel's value over either", () => {
    const jobSteps = (job: { relabel_configs?: readonly { target_label?: string }[] }) =>
      job.relabel_configs!.filter((r) => r.target_label === "job");
    const [api, worker] = jobsOf(byConfig);
    assert.deepStrictEqual(jobSteps(api), [
      { source_labels: ["__meta_kubernetes_service_name"], target_label: "job", action: "replace" },
    ]);
    assert.deepStrictEqual(
      jobSteps(worker),
      [{ target_label: "job", replacement: "payments/worker", action: "replace" }],
      "the pod monitor's namespace defaults to the team's first",
    );
    const labeled = usEastWithTeams([
      {
        ...PAYMENTS_BY_CONFIG,
        pods: PAYMENTS_BY_CONFIG.pods.map((p: object) => ({ ...p, jobLabel: "app.kubernetes.io/name" })),
      },
    ]);
    // Replaced only where the pod carries the label (regex (.+)): an unlabeled pod keeps the operator's default.
    assert.deepStrictEqual(jobSteps(jobsOf(labeled)[1]), [
      { target_label: "job", replacement: "payments/worker", action: "replace" },
      {
        source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"],
        regex: "(.+)",
        target_label: "job",
        action: "replace",
      },
    ]);
  });

  it("labels every series with the team after the team's own relabelings, on targets and on scraped series", () => {
    for (const job of jobsOf(byConfig)) {
      const teamStep = { target_label: "team", replacement: "payments", action: "replace" };
      assert.deepStrictEqual(job.metric_relabel_configs!.at(-1), teamStep, "a target's own team label cannot survive");
      const steps = job.relabel_configs!;
      const teamAt = steps.findIndex((r) => r.target_label === "team");
      assert.ok(teamAt > 0);
      assert.ok(steps.slice(teamAt + 1).every((r) => r.target_label !== "team"));
    }
  });

  it("splits the team's targets over the shards by hashmod on the final address, like the built-in jobs", () => {
    const sharded = usEastWithTeams([PAYMENTS_BY_CONFIG]);
    const twoShards = { ...sharded, prometheus: { ...sharded.prometheus, shards: 2 } } as RegionalStackConfig;
    for (const shard of [0, 1]) {
      const jobs = shardConfig(twoShards, shard).scrape_configs.filter((j) => j.job_name.startsWith("payments/"));
      for (const job of jobs) {
        assert.deepStrictEqual(job.relabel_configs!.slice(-2), [
          { source_labels: ["__address__"], modulus: 2, target_label: "__tmp_hash", action: "hashmod" },
          { source_labels: ["__tmp_hash"], regex: String(shard), action: "keep" },
        ]);
      }
    }
  });

  it("gives Prometheus' ClusterRole what endpointslice and pod discovery read, in every namespace", () => {
    const rules = discoveryRules(teamJobs(byConfig.teams, SETTINGS, "/creds"));
    assert.deepStrictEqual(rules, [
      { apiGroups: [""], resources: ["pods", "services"], verbs: ["list", "watch"] },
      { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"] },
    ]);
  });

  it("imports ServiceMonitor, PodMonitor and PrometheusRule objects into the same jobs and rules as the equivalent config", () => {
    const byImport = usEastWithTeams([PAYMENTS_BY_IMPORT]);
    assert.deepStrictEqual(jobsOf(byImport), jobsOf(byConfig));
    const rulesOf = (c: RegionalStackConfig) => c.teams[0].ruleFiles.map((f) => f.content);
    assert.deepStrictEqual(rulesOf(byImport), rulesOf(byConfig));
  });

  it("federates the team's region:* recording rules", () => {
    const matchers = federationMatchers().map((m) => new RegExp(`^${/__name__=~"(.+)"/.exec(m)![1]}$`));
    assert.ok(matchers.some((re) => re.test("region:payments_requests:rate5m")));
  });

  describe("the global stack's part", () => {
    const global = globalConfig(["us-east"], { teams: [PAYMENTS_GLOBAL], ...PAYMENTS_SECRETS }) as GlobalStackConfig;
    const regions = [exposedRegion("us-east", 0)];
    const files = renderGlobalFiles(global, regions, renderOptions(regions, 3));

    it("routes the team's alerts to its receivers, below a route on team=<name>, after the Watchdog and before the stack's routes", () => {
      const config = alertmanagerConfig({ alerting: global.alerting, teams: global.teams, secretsDir: "/s" });
      assert.deepStrictEqual(config.route.routes[1], {
        receiver: "payments-slack",
        matchers: ['team="payments"'],
        continue: false,
        routes: [{ receiver: "payments-pager", matchers: ['severity="critical"'], continue: false }],
      });
      const names = config.receivers.map((r) => r.name);
      assert.ok(names.includes("payments-slack") && names.includes("payments-pager"));
      const text = YAML.stringify(config);
      assert.match(text, /api_url_file: \/s\/paymentsSlackUrl/);
      assert.ok(!text.includes(PAYMENTS_SECRETS.paymentsRoutingKey), "the team's key stays a secret file");
    });

    it("provisions the team's dashboards into a folder of its own, outside the default dashboards' directory", () => {
      const providers = YAML.parse(files[GLOBAL_FILES.grafanaDashboardProviders]).providers;
      const team = providers.find((p: { name: string }) => p.name === "team-payments");
      assert.deepStrictEqual(team, {
        name: "team-payments",
        folder: "payments",
        folderUid: "team-payments",
        type: "file",
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: `${GRAFANA.teamDashboardsDir}/payments`, foldersFromFilesStructure: false },
      });
      assert.ok(!team.options.path.startsWith(`${GRAFANA.dashboardsDir}/`));
      assert.strictEqual(
        JSON.parse(files[teamDashboardFile("payments", "payments-overview.json")]).uid,
        "payments-overview",
      );
    });
  });

  describe("mistakes stop the load with one sentence naming the stack, the key and the file", () => {
    const message = (teams: unknown[]) => {
      try {
        usEastWithTeams(teams);
      } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return err.message;
      }
      assert.fail("the config loaded");
    };

    it("names the file, the object, the field and what is mapped for a field the import does not map", () => {
      assert.strictEqual(
        message([{ name: "payments", importDir: `${FIXTURES}/unsupported` }]),
        `stack 'us-east': config key 'monitoring:teams[0].importDir' has the value "${FIXTURES}/unsupported"; allowed: ServiceMonitor, PodMonitor and PrometheusRule objects whose fields this stack maps, but ` +
          `${FIXTURES}/unsupported/monitor.yaml: ServiceMonitor 'payments/ledger' sets spec.endpoints[0].oauth2, which this stack does not map ` +
          "(Prometheus 3.13 takes an OAuth2 client_id only written into its config (it has no client_id_file), so the client ID would leave its Secret or ConfigMap for this stack's Prometheus ConfigMap; " +
          "mapped there: port, targetPort, path, scheme, params, interval, scrapeTimeout, tlsConfig, basicAuth, authorization, bearerTokenSecret, honorLabels, relabelings, metricRelabelings)",
      );
    });

    it("names the rule file and the problem promtool would report", () => {
      const file = `${FIXTURES}/bad-rules.yaml`;
      assert.strictEqual(
        message([{ name: "payments", rules: [file] }]),
        `stack 'us-east': config key 'monitoring:teams[0].rules[0]' has the value "${file}"; allowed: a Prometheus rule file promtool accepts, but ${file}: group 'payments' rule 1 (alert PaymentsDown): field 'expr' must be a non-empty PromQL expression`,
      );
    });
  });
});
