/**
 * `promtool test rules` over the regional alert rules, as a regional stack renders them: for every alert,
 * series that make it fire and series that must not. A meta-test checks that no alert is left without both
 * cases. The stack's own alerts are here; the Kubernetes, node, Prometheus and Thanos ones in ./cases/.
 */
import * as assert from "assert";
import * as YAML from "yaml";
import { parseDuration } from "../../../config/duration";
import { STACK_JOBS } from "../../../builders/regional/plan";
import { regionalRuleFiles } from "../../../builders/regional/workload-config";
import { TEST_ALERT_SETTINGS, TestGroup, assertEveryAlertTested, expectations } from "../../support/alert-tests";
import { testRules } from "../../support/promtool";
import { kubernetesCases } from "./cases/kubernetes";
import { nodeCases } from "./cases/node";
import { prometheusCases } from "./cases/prometheus";
import { thanosCases } from "./cases/thanos";

const RULE_FILE = "alerts.yaml";
const ALERTS = regionalRuleFiles(TEST_ALERT_SETTINGS)[RULE_FILE];
const firing = expectations(ALERTS);

const SIDECAR = `job="${STACK_JOBS.sidecar}",instance="localhost:10902"`;
const STORE_0 = `job="${STACK_JOBS.storeGateway}",namespace="monitoring",pod="thanos-store-0"`;
const STORE_1 = `job="${STACK_JOBS.storeGateway}",namespace="monitoring",pod="thanos-store-1"`;
const SELF = `job="prometheus",instance="localhost:9090"`;

const OWN_CASES: TestGroup[] = [
  {
    name: "a node exporter stops answering; its neighbour keeps answering",
    interval: "1m",
    input_series: [
      { series: 'up{job="node-exporter",instance="node-a"}', values: "1 1 0x20" },
      { series: 'up{job="node-exporter",instance="node-b"}', values: "1x22" },
    ],
    alert_rule_test: [
      { eval_time: "5m", alertname: "TargetDown", exp_alerts: [] },
      {
        eval_time: "15m",
        alertname: "TargetDown",
        exp_alerts: [
          firing("TargetDown", { severity: "warning", job: "node-exporter", instance: "node-a" }),
        ],
      },
    ],
  },
  {
    name: "a target exceeds sample_limit for three scrapes, then stays under it",
    interval: "1m",
    input_series: [
      { series: `prometheus_target_scrapes_exceeded_sample_limit_total{${SELF}}`, values: "0x10 1+1x2 3x30" },
      { series: `prometheus_target_scrape_pool_exceeded_label_limits_total{${SELF}}`, values: "0x45" },
    ],
    alert_rule_test: [
      { eval_time: "8m", alertname: "PrometheusScrapeLimitExceeded", exp_alerts: [] },
      {
        eval_time: "15m",
        alertname: "PrometheusScrapeLimitExceeded",
        exp_alerts: [
          firing("PrometheusScrapeLimitExceeded", { severity: "warning", job: "prometheus", instance: "localhost:9090" }),
        ],
      },
      { eval_time: "35m", alertname: "PrometheusScrapeLimitExceeded", exp_alerts: [] },
    ],
  },
  {
    name: "a target exceeds label_limit",
    interval: "1m",
    input_series: [
      { series: `prometheus_target_scrapes_exceeded_sample_limit_total{${SELF}}`, values: "0x20" },
      { series: `prometheus_target_scrape_pool_exceeded_label_limits_total{${SELF}}`, values: "0x5 4x15" },
    ],
    alert_rule_test: [
      {
        eval_time: "10m",
        alertname: "PrometheusScrapeLimitExceeded",
        exp_alerts: [
          firing("PrometheusScrapeLimitExceeded", { severity: "warning", job: "prometheus", instance: "localhost:9090" }),
        ],
      },
    ],
  },
  {
    name: "a rule group fails for a while; another group evaluates cleanly",
    interval: "1m",
    input_series: [
      { series: `prometheus_rule_evaluation_failures_total{${SELF},rule_group="/etc/prometheus/rules/recording.yaml;region-aggregates"}`, values: "0x10 1+1x5 6x25" },
      { series: `prometheus_rule_evaluation_failures_total{${SELF},rule_group="/etc/prometheus/rules/alerts.yaml;monitoring-stack"}`, values: "0x40" },
    ],
    alert_rule_test: [
      { eval_time: "5m", alertname: "PrometheusRuleEvaluationFailures", exp_alerts: [] },
      {
        eval_time: "14m",
        alertname: "PrometheusRuleEvaluationFailures",
        exp_alerts: [
          firing("PrometheusRuleEvaluationFailures", {
              severity: "critical",
              job: "prometheus",
              instance: "localhost:9090",
              rule_group: "/etc/prometheus/rules/recording.yaml;region-aggregates",
            }),
        ],
      },
      { eval_time: "35m", alertname: "PrometheusRuleEvaluationFailures", exp_alerts: [] },
    ],
  },
  {
    name: "the sidecar ships a block at 2h, then its bucket hangs: nothing for two block durations",
    interval: "1m",
    input_series: [
      // Seconds since the Unix epoch of the last upload (0 until the first), as the objstore client reports it.
      { series: `thanos_objstore_bucket_last_successful_upload_time{${SIDECAR},bucket="b"}`, values: "0x119 7200x400" },
      { series: `process_start_time_seconds{${SIDECAR}}`, values: "0x520" },
    ],
    alert_rule_test: [
      { eval_time: "1h", alertname: "ThanosSidecarNotUploading", exp_alerts: [] },
      { eval_time: "5h", alertname: "ThanosSidecarNotUploading", exp_alerts: [] },
      // Silent for 2h x 2 + 1m after the upload at 2h, then 15m pending.
      { eval_time: "6h15m", alertname: "ThanosSidecarNotUploading", exp_alerts: [] },
      {
        eval_time: "6h20m",
        alertname: "ThanosSidecarNotUploading",
        exp_alerts: [
          firing("ThanosSidecarNotUploading", { severity: "critical", job: STACK_JOBS.sidecar, instance: "localhost:10902", bucket: "b" }),
        ],
      },
    ],
  },
  {
    name: "a sidecar that just started has not uploaded yet, and is not alerted on",
    interval: "1m",
    input_series: [
      { series: `thanos_objstore_bucket_last_successful_upload_time{${SIDECAR},bucket="b"}`, values: "0x400" },
      { series: `process_start_time_seconds{${SIDECAR}}`, values: "10800x400" },
    ],
    alert_rule_test: [{ eval_time: "5h", alertname: "ThanosSidecarNotUploading", exp_alerts: [] }],
  },
  {
    name: "the sidecar fails one upload: pending, firing, then resolved once the window passes",
    interval: "1m",
    input_series: [{ series: `thanos_shipper_upload_failures_total{${SIDECAR}}`, values: "0x5 1x60" }],
    alert_rule_test: [
      { eval_time: "10m", alertname: "ThanosSidecarUploadFailures", exp_alerts: [] },
      {
        eval_time: "25m",
        alertname: "ThanosSidecarUploadFailures",
        exp_alerts: [
          firing("ThanosSidecarUploadFailures", { severity: "critical", job: STACK_JOBS.sidecar, instance: "localhost:10902" }),
        ],
      },
      { eval_time: "50m", alertname: "ThanosSidecarUploadFailures", exp_alerts: [] },
    ],
  },
  {
    name: "the compactor halts",
    interval: "1m",
    input_series: [{ series: `thanos_compact_halted{job="${STACK_JOBS.compactor}",pod="thanos-compact-0"}`, values: "0x5 1x20" }],
    alert_rule_test: [
      { eval_time: "8m", alertname: "ThanosCompactHalted", exp_alerts: [] },
      {
        eval_time: "15m",
        alertname: "ThanosCompactHalted",
        exp_alerts: [
          firing("ThanosCompactHalted", { severity: "critical", job: STACK_JOBS.compactor, pod: "thanos-compact-0" }),
        ],
      },
    ],
  },
  {
    name: "the compactor runs",
    interval: "1m",
    input_series: [{ series: `thanos_compact_halted{job="${STACK_JOBS.compactor}",pod="thanos-compact-0"}`, values: "0x30" }],
    alert_rule_test: [{ eval_time: "20m", alertname: "ThanosCompactHalted", exp_alerts: [] }],
  },
  {
    name: "one store gateway fails 10% of its requests, the other 1%",
    interval: "1m",
    input_series: [
      { series: `grpc_server_started_total{${STORE_0},grpc_method="Series"}`, values: "0+100x30" },
      { series: `grpc_server_handled_total{${STORE_0},grpc_method="Series",grpc_code="OK"}`, values: "0+90x30" },
      { series: `grpc_server_handled_total{${STORE_0},grpc_method="Series",grpc_code="Unavailable"}`, values: "0+10x30" },
      { series: `grpc_server_started_total{${STORE_1},grpc_method="Series"}`, values: "0+100x30" },
      { series: `grpc_server_handled_total{${STORE_1},grpc_method="Series",grpc_code="OK"}`, values: "0+99x30" },
      { series: `grpc_server_handled_total{${STORE_1},grpc_method="Series",grpc_code="Internal"}`, values: "0+1x30" },
      // Client errors are the caller's fault, not the store's.
      { series: `grpc_server_handled_total{${STORE_1},grpc_method="Series",grpc_code="InvalidArgument"}`, values: "0+30x30" },
    ],
    alert_rule_test: [
      // Pending: the error ratio is above 5% but not yet for 5 minutes.
      { eval_time: "4m", alertname: "ThanosStoreGrpcErrorRate", exp_alerts: [] },
      {
        eval_time: "15m",
        alertname: "ThanosStoreGrpcErrorRate",
        exp_alerts: [
          firing("ThanosStoreGrpcErrorRate", { severity: "warning", job: STACK_JOBS.storeGateway, pod: "thanos-store-0" }, "10%"),
        ],
      },
    ],
  },
  {
    name: "one store gateway fails 20% of its bucket operations, the other none",
    interval: "1m",
    input_series: [
      { series: `thanos_objstore_bucket_operations_total{${STORE_0},operation="get_range"}`, values: "0+100x40" },
      { series: `thanos_objstore_bucket_operation_failures_total{${STORE_0},operation="get_range"}`, values: "0+20x40" },
      { series: `thanos_objstore_bucket_operations_total{${STORE_1},operation="get_range"}`, values: "0+100x40" },
      { series: `thanos_objstore_bucket_operation_failures_total{${STORE_1},operation="get_range"}`, values: "0x40" },
    ],
    alert_rule_test: [
      { eval_time: "12m", alertname: "ThanosStoreBucketOperationFailures", exp_alerts: [] },
      {
        eval_time: "25m",
        alertname: "ThanosStoreBucketOperationFailures",
        exp_alerts: [
          firing("ThanosStoreBucketOperationFailures", { severity: "warning", job: STACK_JOBS.storeGateway, pod: "thanos-store-0" }, "20%"),
        ],
      },
    ],
  },
  {
    name: "the watchdog always fires",
    interval: "1m",
    input_series: [],
    alert_rule_test: [
      { eval_time: "1m", alertname: "Watchdog", exp_alerts: [firing("Watchdog", { severity: "none" })] },
    ],
  },
];

const DEFAULT_CASES: TestGroup[] = [...prometheusCases(firing), ...thanosCases(firing), ...kubernetesCases(firing), ...nodeCases(firing)];
const GROUPS: TestGroup[] = [...OWN_CASES, ...DEFAULT_CASES];
/**
 * Cases of the default alerts that play out over hours (a disk filling, a compactor idle for a day) run with a
 * 10-minute evaluation interval, the others with Prometheus' 1 minute (the sidecar's cases time the upload
 * alert to the minute): promtool evaluates every rule at every step up to the last eval_time, and hours of
 * 1-minute steps over every rule take minutes.
 */
const isLong = (g: TestGroup) => g.alert_rule_test.some((c) => parseDuration(c.eval_time)! >= 3600);
const RUNS = [
  { evaluation_interval: "1m", tests: [...OWN_CASES, ...DEFAULT_CASES.filter((g) => !isLong(g))] },
  { evaluation_interval: "10m", tests: DEFAULT_CASES.filter(isLong) },
];

describe("regional alert rules (promtool test rules)", () => {
  const rules = YAML.stringify(ALERTS);

  for (const run of RUNS) {
    it(`fire on realistic failures and stay silent otherwise (${run.tests.length} cases evaluated every ${run.evaluation_interval})`, () => {
      const output = testRules({ [RULE_FILE]: rules }, { rule_files: [RULE_FILE], ...run });
      assert.match(output, /SUCCESS/);
    });
  }

  it("every alert has a case where it fires and a case where it does not", () => {
    assertEveryAlertTested(ALERTS, GROUPS, ["Watchdog"]);
  });

  it("a broken expectation fails the run (the harness can fail)", () => {
    const wrong = GROUPS.slice(0, 1).map((g) => ({ ...g, alert_rule_test: [{ ...g.alert_rule_test[1], exp_alerts: [] }] }));
    assert.throws(() => testRules({ [RULE_FILE]: rules }, { rule_files: [RULE_FILE], evaluation_interval: "1m", tests: wrong }), /FAILED/);
  });

  it("every alert links to its runbook and carries a severity", () => {
    for (const group of ALERTS.groups) {
      for (const rule of group.rules) {
        assert.strictEqual(rule.annotations.runbook_url, `${TEST_ALERT_SETTINGS.runbookBaseUrl}#${rule.alert.toLowerCase()}`);
        assert.ok(["critical", "warning", "info", "none"].includes(rule.labels.severity), rule.alert);
      }
    }
  });

  it("leave out the alerts a stack disables", () => {
    const file = regionalRuleFiles({ ...TEST_ALERT_SETTINGS, disabled: ["KubePodCrashLooping", "CPUThrottlingHigh"] })[RULE_FILE];
    const names = file.groups.flatMap((g) => g.rules.map((r) => r.alert));
    assert.ok(!names.includes("KubePodCrashLooping") && !names.includes("CPUThrottlingHigh"));
    assert.strictEqual(names.length, ALERTS.groups.flatMap((g) => g.rules).length - 2);
  });
});
