/**
 * The global alerts the federation Prometheus evaluates, from the rule file renderGlobalFiles puts in the
 * federation's rules ConfigMap: `promtool check rules`, then `promtool test rules` with series that make each
 * alert fire and series that must not.
 */
import * as assert from "node:assert";
import * as YAML from "yaml";
import { INHIBIT_EQUAL, WATCHDOG_ALERT } from "../../builders/alertmanager/config";
import {
  COMPACTOR_MISSING,
  COMPACTOR_SERVICE,
  FEDERATION_SERVICE,
  QUERY_FRONTEND_ALERT_GROUP,
  REGION_UNREACHABLE,
} from "../../builders/federation/alerts";
import {
  ALERTMANAGER_SCRAPE_JOB,
  QUERY_FRONTEND_SCRAPE_JOB,
  THANOS_QUERY_SCRAPE_JOB,
  federateJobName,
} from "../../builders/federation/config";
import { ESSENTIAL_SERIES, REGIONAL_RECORDING_RULES } from "../../builders/federation/series";
import { federationRuleFile } from "../../builders/federation/rules";
import { GLOBAL_FILES, renderGlobalFiles } from "../../builders/global/render";
import { NO_ALERT_SETTINGS } from "../../builders/rules/settings";
import type { AlertingRule } from "../../builders/rules/types";
import { QUERY_FRONTEND_HANDLER } from "../../builders/thanos/query-frontend";
import { type TestGroup, alertingRules, assertEveryAlertTested, expectations } from "../support/alert-tests";
import { checkRuleFiles, testRules } from "../support/promtool";
import { exposedRegion, globalConfig, renderOptions } from "../fixtures/global-fixtures";

const regions = [exposedRegion("us-east", 0, 2), exposedRegion("eu-west", 1)];
const rulesText = renderGlobalFiles(globalConfig(["us-east", "eu-west"]), regions, renderOptions(regions))[
  GLOBAL_FILES.federationRules
];
const alerts: AlertingRule[] = YAML.parse(rulesText).groups.flatMap((g: { rules: object[] }) =>
  g.rules.filter((r) => "alert" in r),
);
const RULE_FILE = "global.rules.yml";

const up = (region: string, target: string, values: string) => ({
  series: `up{job="${federateJobName(region)}",instance="${target}"}`,
  values,
});
/** What every answering regional Prometheus serves on /federate. */
const answers = (region: string, values: string) => ({
  series: `${REGIONAL_RECORDING_RULES.targetsScraped}{region="${region}",cluster="${region}-monitoring",shard="0",prometheus_replica="a",job="fleet"}`,
  values,
});

/** The alert about `region` at `severity`, with its annotations filled in as Prometheus fills them. */
function expectedAlert(region: string, severity: "critical" | "warning", value: string) {
  const rule = alerts.find(
    (r) => r.alert === REGION_UNREACHABLE && r.labels.region === region && r.labels.severity === severity,
  );
  assert.ok(rule, `${REGION_UNREACHABLE} ${severity} for ${region}`);
  const fill = (text: string) => text.replace("{{ $value }}", value);
  return {
    exp_labels: { severity, region, cluster: `${region}-monitoring`, service: FEDERATION_SERVICE },
    exp_annotations: {
      ...rule.annotations,
      summary: fill(rule.annotations.summary),
      description: fill(rule.annotations.description),
    },
  };
}

/** `promtool test rules` of the rendered rule file: one test, one sample a minute. */
const promtoolTest = (name: string, inputSeries: object[], alertTests: object[]) =>
  testRules(
    { [RULE_FILE]: rulesText },
    {
      rule_files: [RULE_FILE],
      evaluation_interval: "1m",
      tests: [{ name, interval: "1m", input_series: inputSeries, alert_rule_test: alertTests }],
    },
  );
const none = (evalTime: string) => ({ eval_time: evalTime, alertname: REGION_UNREACHABLE, exp_alerts: [] });

describe("global federation alerts", () => {
  it("pass promtool check rules", () => {
    checkRuleFiles({ [RULE_FILE]: rulesText });
  });

  it("fire RegionUnreachable (critical) for a region whose federation targets all fail, and for none other", () => {
    promtoolTest(
      "eu-west's Prometheus pods stop answering at 2m; us-east keeps answering",
      [
        up("eu-west", "198.51.100.1:9090", "1 1 0x20"),
        up("eu-west", "198.51.100.2:9090", "1 1 0x20"),
        answers("eu-west", "3 3"),
        up("us-east", "192.0.2.1:9090", "1x22"),
        up("us-east", "192.0.2.2:9090", "1x22"),
        answers("us-east", "5x22"),
      ],
      [
        none("5m"),
        { eval_time: "9m", alertname: REGION_UNREACHABLE, exp_alerts: [expectedAlert("eu-west", "critical", "1")] },
      ],
    );
  });

  it("fire RegionUnreachable (critical) for a region that answers without its recording rules, or is never federated", () => {
    promtoolTest(
      "us-east is scraped but serves no job:up:count; eu-west has no federation target at all",
      [up("us-east", "192.0.2.1:9090", "1x10")],
      [
        {
          eval_time: "6m",
          alertname: REGION_UNREACHABLE,
          exp_alerts: [expectedAlert("us-east", "critical", "1"), expectedAlert("eu-west", "critical", "1")],
        },
      ],
    );
  });

  it("fire the RegionUnreachable warning, not the critical, while some of a region's pods are federated", () => {
    promtoolTest(
      "one of us-east's four Prometheus pods stops answering at 1m",
      [
        up("us-east", "192.0.2.1:9090", "1 0x20"),
        ...["192.0.2.2:9090", "192.0.2.3:9090", "192.0.2.4:9090"].map((t) => up("us-east", t, "1x21")),
        answers("us-east", "5x21"),
        up("eu-west", "198.51.100.1:9090", "1x21"),
        answers("eu-west", "3x21"),
      ],
      [
        none("8m"),
        { eval_time: "12m", alertname: REGION_UNREACHABLE, exp_alerts: [expectedAlert("us-east", "warning", "1")] },
      ],
    );
  });

  it("fire ThanosCompactMissing for a region that answers but whose compactor is gone, not for an unreachable region", () => {
    const rule = alerts.find((r) => r.alert === COMPACTOR_MISSING && r.labels.region === "us-east");
    assert.ok(rule, `${COMPACTOR_MISSING} for us-east`);
    const halted = (region: string, values: string) => ({
      series: `${ESSENTIAL_SERIES.compactorHalted}{region="${region}",cluster="${region}-monitoring",shard="0",prometheus_replica="a",job="thanos-compact",pod="thanos-compact-0"}`,
      values,
    });
    promtoolTest(
      "us-east's compactor disappears at 5m; eu-west keeps its compactor and then becomes unreachable",
      [halted("us-east", "0x4"), answers("us-east", "5x40"), halted("eu-west", "0x10"), answers("eu-west", "3x10")],
      [
        { eval_time: "15m", alertname: COMPACTOR_MISSING, exp_alerts: [] },
        {
          eval_time: "30m",
          alertname: COMPACTOR_MISSING,
          exp_alerts: [
            {
              exp_labels: {
                severity: "critical",
                region: "us-east",
                cluster: "us-east-monitoring",
                service: COMPACTOR_SERVICE,
              },
              exp_annotations: { ...rule.annotations },
            },
          ],
        },
      ],
    );
  });

  it("give both severities of a region the labels the Alertmanagers' inhibition compares, so the critical silences the warning", () => {
    for (const region of ["us-east", "eu-west"]) {
      const [critical, warning] = ["critical", "warning"].map((s) =>
        alerts.find((r) => r.labels.region === region && r.labels.severity === s),
      );
      assert.ok(critical && warning, `both severities for ${region}`);
      for (const label of INHIBIT_EQUAL) {
        const value = (r: AlertingRule) => (label === "alertname" ? r.alert : r.labels[label]);
        assert.ok(value(critical), `${region}: the critical alert has ${label}`);
        assert.strictEqual(value(warning), value(critical), `${region}: ${label} differs between the severities`);
      }
    }
  });

  it("include the federation's own Watchdog, always firing", () => {
    const rule = alerts.find((r) => r.alert === WATCHDOG_ALERT);
    assert.ok(rule, "the federation evaluates a Watchdog");
    promtoolTest(
      "always",
      [],
      [
        {
          eval_time: "1m",
          alertname: WATCHDOG_ALERT,
          exp_alerts: [{ exp_labels: { ...rule.labels }, exp_annotations: { ...rule.annotations } }],
        },
      ],
    );
  });

  it("fire the Alertmanager alerts on a failed reload, a peer missing from the mesh and failing notifications, and stay silent otherwise", () => {
    const firing = expectations(YAML.parse(rulesText));
    const peers = globalConfig(["us-east", "eu-west"]).alerting.replicas;
    const peer = (i: number) => ({
      job: ALERTMANAGER_SCRAPE_JOB,
      instance: `alertmanager-${i}.alertmanager-peers.monitoring.svc:9093`,
    });
    const series = (name: string, labels: Record<string, string>) =>
      `${name}{${Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(",")}}`;
    const webhook = { integration: "webhook" };
    const PEERS_DOWN = "AlertmanagerPeersDown";
    const failing = (i: number, failures: string) => [
      { series: series("alertmanager_notifications_total", { ...peer(i), ...webhook }), values: "0+100x30" },
      {
        series: series("alertmanager_notifications_failed_total", { ...peer(i), ...webhook, reason: "clientError" }),
        values: failures,
      },
    ];
    const tests: TestGroup[] = [
      {
        name: "one peer rejects its configuration and loses sight of another",
        interval: "1m",
        input_series: [
          { series: series("alertmanager_config_last_reload_successful", peer(0)), values: "1x5 0x30" },
          { series: series("alertmanager_config_last_reload_successful", peer(1)), values: "1x35" },
          { series: series("alertmanager_cluster_members", peer(0)), values: `${peers}x5 ${peers - 1}x30` },
          { series: series("alertmanager_cluster_members", peer(1)), values: `${peers}x35` },
        ],
        alert_rule_test: [
          { eval_time: "10m", alertname: "AlertmanagerFailedReload", exp_alerts: [] },
          {
            eval_time: "25m",
            alertname: "AlertmanagerFailedReload",
            exp_alerts: [firing("AlertmanagerFailedReload", peer(0))],
          },
          { eval_time: "15m", alertname: "AlertmanagerMembersInconsistent", exp_alerts: [] },
          {
            eval_time: "30m",
            alertname: "AlertmanagerMembersInconsistent",
            exp_alerts: [firing("AlertmanagerMembersInconsistent", peer(0), String(peers - 1))],
          },
        ],
      },
      {
        name: "one peer fails 5% of its webhook notifications, the other none",
        interval: "1m",
        input_series: [...failing(0, "0+5x30"), ...failing(1, "0x30")],
        alert_rule_test: [
          { eval_time: "3m", alertname: "AlertmanagerFailedToSendAlerts", exp_alerts: [] },
          {
            eval_time: "15m",
            alertname: "AlertmanagerFailedToSendAlerts",
            exp_alerts: [firing("AlertmanagerFailedToSendAlerts", { ...peer(0), ...webhook }, "5%")],
          },
          { eval_time: "15m", alertname: "AlertmanagerClusterFailedToSendAlerts", exp_alerts: [] },
        ],
      },
      {
        name: "every peer fails its webhook notifications",
        interval: "1m",
        input_series: [...failing(0, "0+5x30"), ...failing(1, "0+10x30")],
        alert_rule_test: [
          { eval_time: "3m", alertname: "AlertmanagerClusterFailedToSendAlerts", exp_alerts: [] },
          {
            eval_time: "15m",
            alertname: "AlertmanagerClusterFailedToSendAlerts",
            exp_alerts: [firing("AlertmanagerClusterFailedToSendAlerts", webhook, "5%")],
          },
        ],
      },
      {
        name: "one of three peers refuses the federation's scrapes from 1m",
        interval: "1m",
        input_series: [
          { series: series("up", peer(0)), values: "1 0x30" },
          ...[1, 2].map((i) => ({ series: series("up", peer(i)), values: "1x31" })),
        ],
        alert_rule_test: [
          { eval_time: "5m", alertname: PEERS_DOWN, exp_alerts: [] },
          {
            eval_time: "20m",
            alertname: PEERS_DOWN,
            exp_alerts: [firing(PEERS_DOWN, { job: ALERTMANAGER_SCRAPE_JOB }, "33.33%")],
          },
        ],
      },
      {
        // No alert says the whole mesh is down (none would be delivered): the heartbeat's silence does.
        name: "every peer fails the federation's scrapes from 1m",
        interval: "1m",
        input_series: [0, 1, 2].map((i) => ({ series: series("up", peer(i)), values: "1 0x30" })),
        alert_rule_test: [{ eval_time: "20m", alertname: PEERS_DOWN, exp_alerts: [] }],
      },
    ];
    testRules({ [RULE_FILE]: rulesText }, { rule_files: [RULE_FILE], evaluation_interval: "1m", tests });
  });

  it("fire the Thanos Query alerts on failing and slow queries, failing StoreAPI requests and DNS failures, and stay silent otherwise", () => {
    const firing = expectations(YAML.parse(rulesText));
    const replica = (i: number) => ({ job: THANOS_QUERY_SCRAPE_JOB, instance: `10.1.0.${i}:10902` });
    const series = (name: string, labels: Record<string, string>) =>
      `${name}{${Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(",")}}`;
    const job = { job: THANOS_QUERY_SCRAPE_JOB };
    const up = (labels: Record<string, string>, values: string) => ({ series: series("up", labels), values });
    const frontendUp = up({ job: QUERY_FRONTEND_SCRAPE_JOB, instance: "10.1.1.0:9090" }, "1x31");
    /** Two replicas' requests of `handler`: `failing` of replica 0's 100 a minute fail, none of replica 1's. */
    const requests = (handler: string, failing: number) =>
      [0, 1].flatMap((i) => [
        {
          series: series("http_requests_total", { ...replica(i), handler, method: "get", code: "200" }),
          values: `0+${i === 0 ? 100 - failing : 100}x30`,
        },
        {
          series: series("http_requests_total", { ...replica(i), handler, method: "get", code: "503" }),
          values: `0+${i === 0 ? failing : 0}x30`,
        },
      ]);
    /** One replica's latency histogram of `handler`: every request takes between `from` and `to` seconds. */
    const latency = (handler: string, from: number, to: number) => [
      {
        series: series("http_request_duration_seconds_bucket", {
          ...replica(0),
          handler,
          method: "get",
          code: "200",
          le: String(from),
        }),
        values: "0x30",
      },
      {
        series: series("http_request_duration_seconds_bucket", {
          ...replica(0),
          handler,
          method: "get",
          code: "200",
          le: String(to),
        }),
        values: "0+10x30",
      },
      {
        series: series("http_request_duration_seconds_bucket", {
          ...replica(0),
          handler,
          method: "get",
          code: "200",
          le: "+Inf",
        }),
        values: "0+10x30",
      },
      {
        series: series("http_request_duration_seconds_count", { ...replica(0), handler, method: "get", code: "200" }),
        values: "0+10x30",
      },
    ];
    const tests: TestGroup[] = [
      {
        name: "a fifth of one replica's range queries fail (10% of all); instant queries succeed",
        interval: "1m",
        input_series: [...requests("query_range", 20), ...requests("query", 0)],
        alert_rule_test: [
          { eval_time: "3m", alertname: "ThanosQueryHttpRequestErrorRateHigh", exp_alerts: [] },
          {
            eval_time: "15m",
            alertname: "ThanosQueryHttpRequestErrorRateHigh",
            exp_alerts: [firing("ThanosQueryHttpRequestErrorRateHigh", { ...job, handler: "query_range" }, "10%")],
          },
        ],
      },
      {
        name: "10% of the requests to the StoreAPIs fail on the server; client errors do not count",
        interval: "1m",
        input_series: [
          { series: series("grpc_client_started_total", { ...replica(0), grpc_method: "Series" }), values: "0+100x30" },
          {
            series: series("grpc_client_handled_total", { ...replica(0), grpc_method: "Series", grpc_code: "OK" }),
            values: "0+60x30",
          },
          {
            series: series("grpc_client_handled_total", {
              ...replica(0),
              grpc_method: "Series",
              grpc_code: "Unavailable",
            }),
            values: "0+10x30",
          },
          {
            series: series("grpc_client_handled_total", {
              ...replica(0),
              grpc_method: "Series",
              grpc_code: "Canceled",
            }),
            values: "0+30x30",
          },
        ],
        alert_rule_test: [
          { eval_time: "3m", alertname: "ThanosQueryGrpcClientErrorRate", exp_alerts: [] },
          {
            eval_time: "15m",
            alertname: "ThanosQueryGrpcClientErrorRate",
            exp_alerts: [firing("ThanosQueryGrpcClientErrorRate", job, "10%")],
          },
        ],
      },
      {
        name: "5% of the endpoint DNS lookups fail",
        interval: "1m",
        input_series: [
          { series: series("thanos_query_endpoints_dns_lookups_total", replica(0)), values: "0+20x30" },
          { series: series("thanos_query_endpoints_dns_failures_total", replica(0)), values: "0+1x30" },
        ],
        alert_rule_test: [
          { eval_time: "10m", alertname: "ThanosQueryHighDNSFailures", exp_alerts: [] },
          {
            eval_time: "20m",
            alertname: "ThanosQueryHighDNSFailures",
            exp_alerts: [firing("ThanosQueryHighDNSFailures", job, "5%")],
          },
        ],
      },
      {
        name: "instant queries take 50-60s, range queries 10-20s",
        interval: "1m",
        input_series: [...latency("query", 50, 60), ...latency("query_range", 10, 20)],
        alert_rule_test: [
          { eval_time: "8m", alertname: "ThanosQueryInstantLatencyHigh", exp_alerts: [] },
          {
            eval_time: "20m",
            alertname: "ThanosQueryInstantLatencyHigh",
            exp_alerts: [firing("ThanosQueryInstantLatencyHigh", job, "59.9")],
          },
          { eval_time: "20m", alertname: "ThanosQueryRangeLatencyHigh", exp_alerts: [] },
        ],
      },
      {
        name: "range queries take 100-120s",
        interval: "1m",
        input_series: latency("query_range", 100, 120),
        alert_rule_test: [
          {
            eval_time: "20m",
            alertname: "ThanosQueryRangeLatencyHigh",
            exp_alerts: [firing("ThanosQueryRangeLatencyHigh", job, "119.8")],
          },
        ],
      },
      {
        name: "one of two replicas fails its scrapes from 1m",
        interval: "1m",
        input_series: [up(replica(0), "1 0x30"), up(replica(1), "1x31"), frontendUp],
        alert_rule_test: [
          { eval_time: "5m", alertname: "ThanosQueryReplicasDown", exp_alerts: [] },
          {
            eval_time: "20m",
            alertname: "ThanosQueryReplicasDown",
            exp_alerts: [firing("ThanosQueryReplicasDown", job, "50%")],
          },
          { eval_time: "20m", alertname: "ThanosQueryIsDown", exp_alerts: [] },
        ],
      },
      {
        // The thanos-mixin's `job=~".*thanos-query.*"` would count the answering frontend as a Query replica.
        name: "every replica fails its scrapes from 1m while the Query Frontend answers",
        interval: "1m",
        input_series: [up(replica(0), "1 0x30"), up(replica(1), "1 0x30"), frontendUp],
        alert_rule_test: [
          { eval_time: "4m", alertname: "ThanosQueryIsDown", exp_alerts: [] },
          { eval_time: "10m", alertname: "ThanosQueryIsDown", exp_alerts: [firing("ThanosQueryIsDown", {})] },
          { eval_time: "20m", alertname: "ThanosQueryReplicasDown", exp_alerts: [] },
        ],
      },
    ];
    testRules({ [RULE_FILE]: rulesText }, { rule_files: [RULE_FILE], evaluation_interval: "1m", tests });
  });

  it("fire the Query Frontend alerts on requests failing with server errors and on slow requests, and stay silent otherwise", () => {
    const file = YAML.parse(rulesText);
    const firing = expectations(file);
    // As the pinned frontend labels them: one handler for every path, and the tenant of its tenancy middleware.
    const replica = (i: number) => ({
      job: QUERY_FRONTEND_SCRAPE_JOB,
      instance: `10.1.1.${i}:9090`,
      handler: QUERY_FRONTEND_HANDLER,
      method: "get",
      tenant: "default-tenant",
    });
    const series = (name: string, labels: Record<string, string>) =>
      `${name}{${Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(",")}}`;
    const job = { job: QUERY_FRONTEND_SCRAPE_JOB };
    /** Requests a minute of each replica by code. */
    const requests = (perReplica: Record<string, number>[]) =>
      perReplica.flatMap((codes, i) =>
        Object.entries(codes).map(([code, perMinute]) => ({
          series: series("http_requests_total", { ...replica(i), code }),
          values: `0+${perMinute}x30`,
        })),
      );
    /** One replica's latency histogram, in the frontend's own buckets: every request takes between `from` and `to` seconds. */
    const latency = (from: number, to: number) => [
      ...["0.001", String(from)].map((le) => ({
        series: series("http_request_duration_seconds_bucket", { ...replica(0), code: "200", le }),
        values: "0x30",
      })),
      ...[String(to), "+Inf"].map((le) => ({
        series: series("http_request_duration_seconds_bucket", { ...replica(0), code: "200", le }),
        values: "0+10x30",
      })),
      { series: series("http_request_duration_seconds_count", { ...replica(0), code: "200" }), values: "0+10x30" },
    ];
    const ERRORS = "ThanosQueryFrontendHttpRequestErrorRateHigh";
    const LATENCY = "ThanosQueryFrontendLatencyHigh";
    const DOWN = "ThanosQueryFrontendIsDown";
    const REPLICAS_DOWN = "ThanosQueryFrontendReplicasDown";
    const up = (i: number, values: string) => ({
      series: series("up", { job: QUERY_FRONTEND_SCRAPE_JOB, instance: `10.1.1.${i}:9090` }),
      values,
    });
    const queryUp = {
      series: series("up", { job: THANOS_QUERY_SCRAPE_JOB, instance: "10.1.0.0:10902" }),
      values: "1x31",
    };
    const tests: TestGroup[] = [
      {
        name: "a fifth of one replica's requests fail with 503 (10% of all)",
        interval: "1m",
        input_series: requests([{ "200": 80, "503": 20 }, { "200": 100 }]),
        alert_rule_test: [
          { eval_time: "3m", alertname: ERRORS, exp_alerts: [] },
          { eval_time: "15m", alertname: ERRORS, exp_alerts: [firing(ERRORS, job, "10%")] },
        ],
      },
      {
        name: "a sixth of the requests are bad queries (400) and 1.5% fail with 504: only server errors count, under 5%",
        interval: "1m",
        input_series: requests([{ "200": 64, "400": 33, "504": 3 }, { "200": 100 }]),
        alert_rule_test: [{ eval_time: "15m", alertname: ERRORS, exp_alerts: [] }],
      },
      {
        name: "requests take 90-120s",
        interval: "1m",
        input_series: latency(90, 120),
        alert_rule_test: [
          { eval_time: "8m", alertname: LATENCY, exp_alerts: [] },
          { eval_time: "20m", alertname: LATENCY, exp_alerts: [firing(LATENCY, job, "119.7")] },
        ],
      },
      {
        name: "requests take 60-90s: just within the bound",
        interval: "1m",
        input_series: latency(60, 90),
        alert_rule_test: [{ eval_time: "20m", alertname: LATENCY, exp_alerts: [] }],
      },
      {
        name: "the federation's password for the frontend stops matching at 1m: every replica's scrape fails (401); Query answers",
        interval: "1m",
        input_series: [up(0, "1 0x30"), up(1, "1 0x30"), queryUp],
        alert_rule_test: [
          { eval_time: "4m", alertname: DOWN, exp_alerts: [] },
          { eval_time: "10m", alertname: DOWN, exp_alerts: [firing(DOWN, {})] },
          { eval_time: "20m", alertname: REPLICAS_DOWN, exp_alerts: [] },
          { eval_time: "10m", alertname: "ThanosQueryIsDown", exp_alerts: [] },
        ],
      },
      {
        name: "no frontend replica is discovered",
        interval: "1m",
        input_series: [queryUp],
        alert_rule_test: [{ eval_time: "10m", alertname: DOWN, exp_alerts: [firing(DOWN, {})] }],
      },
      {
        name: "one of three replicas fails its scrapes from 1m",
        interval: "1m",
        input_series: [up(0, "1 0x30"), up(1, "1x31"), up(2, "1x31"), queryUp],
        alert_rule_test: [
          { eval_time: "5m", alertname: REPLICAS_DOWN, exp_alerts: [] },
          { eval_time: "20m", alertname: REPLICAS_DOWN, exp_alerts: [firing(REPLICAS_DOWN, job, "33.33%")] },
          { eval_time: "20m", alertname: DOWN, exp_alerts: [] },
        ],
      },
    ];
    const frontendAlerts = {
      groups: file.groups.filter((g: { name: string }) => g.name === QUERY_FRONTEND_ALERT_GROUP),
    };
    assert.deepStrictEqual(
      alertingRules(frontendAlerts).map((r) => r.alert),
      [ERRORS, LATENCY, DOWN, REPLICAS_DOWN],
    );
    for (const rule of alertingRules(frontendAlerts))
      assert.strictEqual(rule.labels.service, QUERY_FRONTEND_SCRAPE_JOB, rule.alert);
    assertEveryAlertTested(frontendAlerts, tests);
    testRules({ [RULE_FILE]: rulesText }, { rule_files: [RULE_FILE], evaluation_interval: "1m", tests });
  });

  it("leave out the Query Frontend alerts a stack disables by name, and keep every other", () => {
    const disabled = [
      "ThanosQueryFrontendHttpRequestErrorRateHigh",
      "ThanosQueryFrontendLatencyHigh",
      "ThanosQueryFrontendIsDown",
      "ThanosQueryFrontendReplicasDown",
    ];
    const config = globalConfig(["us-east", "eu-west"], { alerts: { disabled } });
    const file = YAML.parse(renderGlobalFiles(config, regions, renderOptions(regions))[GLOBAL_FILES.federationRules]);
    const names = alertingRules(file).map((r) => r.alert);
    for (const name of disabled) assert.ok(!names.includes(name), `${name} is left out`);
    assert.ok(
      !file.groups.some((g: { name: string }) => g.name === QUERY_FRONTEND_ALERT_GROUP),
      "the emptied group goes with them",
    );
    assert.deepStrictEqual(
      names,
      alerts.map((r) => r.alert).filter((n) => !disabled.includes(n)),
    );
  });

  it("leave out a component's scrape alerts disabled by name and keep the rest of its group", () => {
    const disabled = ["ThanosQueryIsDown", "ThanosQueryReplicasDown", "AlertmanagerPeersDown"];
    const file = YAML.parse(
      renderGlobalFiles(
        globalConfig(["us-east", "eu-west"], { alerts: { disabled } }),
        regions,
        renderOptions(regions),
      )[GLOBAL_FILES.federationRules],
    );
    const group = (name: string) =>
      alertingRules({ groups: file.groups.filter((g: { name: string }) => g.name === name) }).map((r) => r.alert);
    assert.deepStrictEqual(group(THANOS_QUERY_SCRAPE_JOB), [
      "ThanosQueryHttpRequestErrorRateHigh",
      "ThanosQueryGrpcClientErrorRate",
      "ThanosQueryHighDNSFailures",
      "ThanosQueryInstantLatencyHigh",
      "ThanosQueryRangeLatencyHigh",
    ]);
    assert.deepStrictEqual(group(ALERTMANAGER_SCRAPE_JOB), [
      "AlertmanagerFailedReload",
      "AlertmanagerMembersInconsistent",
      "AlertmanagerFailedToSendAlerts",
      "AlertmanagerClusterFailedToSendAlerts",
    ]);
    assert.deepStrictEqual(
      alertingRules(file).map((r) => r.alert),
      alerts.map((r) => r.alert).filter((n) => !disabled.includes(n)),
    );
  });
});

describe("global federation alerts on a remote-write region", () => {
  // eu-west writes out: its Ruler pair's recorded series reach the federation, nothing is scraped.
  const writingText = YAML.stringify(
    federationRuleFile(
      [
        { name: "us-east", clusterName: "us-east-monitoring" },
        { name: "eu-west", clusterName: "eu-west-monitoring", remoteWrite: true },
      ],
      { peers: 3 },
      NO_ALERT_SETTINGS,
    ),
  );
  const writingAlerts: AlertingRule[] = alertingRules(YAML.parse(writingText));
  /** A series one of eu-west's Rulers records (its replica label is the Ruler pod's). */
  const ruled = (ruler: string, values: string) => ({
    series: `${REGIONAL_RECORDING_RULES.targetsScraped}{region="eu-west",cluster="eu-west-monitoring",prometheus_replica="${ruler}",job="fleet"}`,
    values,
  });
  const test = (name: string, inputSeries: object[], alertTests: object[]) =>
    testRules(
      { [RULE_FILE]: writingText },
      {
        rule_files: [RULE_FILE],
        evaluation_interval: "1m",
        tests: [{ name, interval: "1m", input_series: inputSeries, alert_rule_test: alertTests }],
      },
    );
  const usEastAnswers = [up("us-east", "192.0.2.1:9090", "1x22"), answers("us-east", "5x22")];
  const alert = (severity: "critical" | "warning", value: string) => {
    const rule = writingAlerts.find(
      (r) => r.alert === REGION_UNREACHABLE && r.labels.region === "eu-west" && r.labels.severity === severity,
    );
    assert.ok(rule, `${REGION_UNREACHABLE} ${severity} for eu-west`);
    return {
      exp_labels: { severity, region: "eu-west", cluster: "eu-west-monitoring", service: FEDERATION_SERVICE },
      exp_annotations: {
        ...rule.annotations,
        description: rule.annotations.description.replace("{{ $value }}", value),
      },
    };
  };

  it("pass promtool check rules, with no federate job and no compactor alert for the remote-write region", () => {
    checkRuleFiles({ [RULE_FILE]: writingText });
    assert.doesNotMatch(writingText, new RegExp(federateJobName("eu-west")));
    assert.ok(!writingAlerts.some((r) => r.alert === COMPACTOR_MISSING && r.labels.region === "eu-west"));
  });

  it("fire RegionUnreachable (critical) when the region's recorded series stop arriving, not while they arrive", () => {
    test(
      "eu-west's Rulers write until 1m (seen for the 5m lookback), then nothing arrives",
      [...usEastAnswers, ruled("a", "3 3"), ruled("b", "3 3")],
      [
        { eval_time: "4m", alertname: REGION_UNREACHABLE, exp_alerts: [] },
        { eval_time: "13m", alertname: REGION_UNREACHABLE, exp_alerts: [alert("critical", "1")] },
      ],
    );
  });

  it("fire the RegionUnreachable warning when one Ruler of the pair stops writing", () => {
    test(
      "Ruler b of eu-west stops at 1m",
      [...usEastAnswers, ruled("a", "3x22"), ruled("b", "3")],
      [
        { eval_time: "8m", alertname: REGION_UNREACHABLE, exp_alerts: [] },
        { eval_time: "17m", alertname: REGION_UNREACHABLE, exp_alerts: [alert("warning", "1")] },
      ],
    );
  });
});
