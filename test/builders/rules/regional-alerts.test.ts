/**
 * `promtool test rules` over the regional alert rules: for every alert, series that make it fire and series
 * that must not. A meta-test checks that no alert is left without both cases.
 */
import * as assert from "assert";
import * as YAML from "yaml";
import { alertRules } from "../../../builders/rules/alerts";
import { SIDECAR_BLOCK_DURATION } from "../../../builders/prometheus/args";
import { STACK_JOBS } from "../../../builders/regional/plan";
import { testRules } from "../../support/promtool";

const RULE_FILE = "alerts.yaml";

interface AlertCase {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: readonly { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
}

interface TestGroup {
  readonly name: string;
  readonly interval: string;
  readonly input_series: readonly { series: string; values: string }[];
  readonly alert_rule_test: readonly AlertCase[];
}

function annotationsOf(alert: string) {
  const rule = alertRules(STACK_JOBS, SIDECAR_BLOCK_DURATION).groups.flatMap((g) => g.rules).find((r) => r.alert === alert);
  if (!rule) throw new Error(`no alert ${alert}`);
  return rule.annotations;
}

/** The annotations an alert should carry once its templates are filled with `fill`. */
function expected(alert: string, fill: Record<string, string>) {
  const { summary, description } = annotationsOf(alert);
  const expand = (text: string) => text.replace(/\{\{ \$labels\.(\w+) \}\}|\{\{ \$value \| humanizePercentage \}\}/g, (whole, label) => {
    const key = label ?? "value";
    if (!(key in fill)) throw new Error(`test of ${alert} does not say what ${whole} is`);
    return fill[key];
  });
  return { summary: expand(summary), description: expand(description) };
}

const SIDECAR = `job="${STACK_JOBS.sidecar}",instance="localhost:10902"`;
const STORE_0 = `job="${STACK_JOBS.storeGateway}",namespace="monitoring",pod="thanos-store-0"`;
const STORE_1 = `job="${STACK_JOBS.storeGateway}",namespace="monitoring",pod="thanos-store-1"`;
const SELF = `job="prometheus",instance="localhost:9090"`;

const GROUPS: TestGroup[] = [
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
          {
            exp_labels: { severity: "warning", job: "node-exporter", instance: "node-a" },
            exp_annotations: expected("TargetDown", { job: "node-exporter", instance: "node-a" }),
          },
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
          {
            exp_labels: { severity: "warning", job: "prometheus", instance: "localhost:9090" },
            exp_annotations: expected("PrometheusScrapeLimitExceeded", { instance: "localhost:9090" }),
          },
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
          {
            exp_labels: { severity: "warning", job: "prometheus", instance: "localhost:9090" },
            exp_annotations: expected("PrometheusScrapeLimitExceeded", { instance: "localhost:9090" }),
          },
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
          {
            exp_labels: {
              severity: "critical",
              job: "prometheus",
              instance: "localhost:9090",
              rule_group: "/etc/prometheus/rules/recording.yaml;region-aggregates",
            },
            exp_annotations: expected("PrometheusRuleEvaluationFailures", { rule_group: "/etc/prometheus/rules/recording.yaml;region-aggregates" }),
          },
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
          {
            exp_labels: { severity: "critical", job: STACK_JOBS.sidecar, instance: "localhost:10902", bucket: "b" },
            exp_annotations: expected("ThanosSidecarNotUploading", { instance: "localhost:10902" }),
          },
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
          {
            exp_labels: { severity: "critical", job: STACK_JOBS.sidecar, instance: "localhost:10902" },
            exp_annotations: expected("ThanosSidecarUploadFailures", {}),
          },
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
          {
            exp_labels: { severity: "critical", job: STACK_JOBS.compactor, pod: "thanos-compact-0" },
            exp_annotations: expected("ThanosCompactHalted", { pod: "thanos-compact-0" }),
          },
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
          {
            exp_labels: { severity: "warning", job: STACK_JOBS.storeGateway, pod: "thanos-store-0" },
            exp_annotations: expected("ThanosStoreGrpcErrorRate", { pod: "thanos-store-0", value: "10%" }),
          },
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
          {
            exp_labels: { severity: "warning", job: STACK_JOBS.storeGateway, pod: "thanos-store-0" },
            exp_annotations: expected("ThanosStoreBucketOperationFailures", { pod: "thanos-store-0", value: "20%" }),
          },
        ],
      },
    ],
  },
  {
    name: "the watchdog always fires",
    interval: "1m",
    input_series: [],
    alert_rule_test: [
      { eval_time: "1m", alertname: "Watchdog", exp_alerts: [{ exp_labels: { severity: "none" }, exp_annotations: expected("Watchdog", {}) }] },
    ],
  },
];

describe("regional alert rules (promtool test rules)", () => {
  const rules = YAML.stringify(alertRules(STACK_JOBS, SIDECAR_BLOCK_DURATION));

  it("fire on realistic failures and stay silent otherwise", () => {
    const output = testRules({ [RULE_FILE]: rules }, { rule_files: [RULE_FILE], evaluation_interval: "1m", tests: GROUPS });
    assert.match(output, /SUCCESS/);
  });

  it("every alert has a case where it fires and a case where it does not", () => {
    const cases = GROUPS.flatMap((g) => g.alert_rule_test);
    for (const rule of alertRules(STACK_JOBS, SIDECAR_BLOCK_DURATION).groups.flatMap((g) => g.rules)) {
      const mine = cases.filter((c) => c.alertname === rule.alert);
      assert.ok(mine.some((c) => c.exp_alerts.length > 0), `${rule.alert} is never shown to fire`);
      if (rule.alert !== "Watchdog") assert.ok(mine.some((c) => c.exp_alerts.length === 0), `${rule.alert} is never shown to stay silent`);
    }
  });

  it("a broken expectation fails the run (the harness can fail)", () => {
    const wrong = GROUPS.slice(0, 1).map((g) => ({ ...g, alert_rule_test: [{ ...g.alert_rule_test[1], exp_alerts: [] }] }));
    assert.throws(() => testRules({ [RULE_FILE]: rules }, { rule_files: [RULE_FILE], evaluation_interval: "1m", tests: wrong }), /FAILED/);
  });
});
