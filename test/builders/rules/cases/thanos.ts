/** `promtool test rules` cases of the Thanos alerts (builders/rules/thanos.ts) the stack's own suite does not cover. */
import { STACK_JOBS } from "../../../../builders/regional/plan";
import type { TestGroup, expectations } from "../../../support/alert-tests";

type Firing = ReturnType<typeof expectations>;

const labelsOf = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",");
const series = (name: string, labels: Record<string, string>) => `${name}{${labelsOf(labels)}}`;

const SIDECAR = { job: STACK_JOBS.sidecar, instance: "localhost:10902" };
const SELF = { job: STACK_JOBS.prometheus, instance: "localhost:9090" };
const COMPACT = { job: STACK_JOBS.compactor, namespace: "monitoring", pod: "thanos-compact-0" };
const STORE_0 = { job: STACK_JOBS.storeGateway, namespace: "monitoring", pod: "thanos-store-0" };
const STORE_1 = { ...STORE_0, pod: "thanos-store-1" };

/** One pod's failures are 10% of its operations: pending at 10m, firing at 25m. */
function compactorRatio(firing: Firing, alert: string, total: string, failures: string, extra: Record<string, string>): TestGroup {
  return {
    name: `${alert}: the compactor fails 10% of them`,
    interval: "1m",
    input_series: [
      { series: series(total, { ...COMPACT, ...extra }), values: "0+10x30" },
      { series: series(failures, { ...COMPACT, ...extra }), values: "0+1x30" },
    ],
    alert_rule_test: [
      { eval_time: "10m", alertname: alert, exp_alerts: [] },
      { eval_time: "25m", alertname: alert, exp_alerts: [firing(alert, { job: COMPACT.job, pod: COMPACT.pod }, "10%")] },
    ],
  };
}

/** Store 0's requests all take between 1s and 5s (p99 4.96s), store 1's under a second. */
function storeLatency(firing: Firing, alert: string, histogram: string, extra: Record<string, string>): TestGroup {
  const buckets = (store: Record<string, string>, slow: boolean) => [
    { series: series(`${histogram}_bucket`, { ...store, ...extra, le: "1" }), values: slow ? "0x30" : "0+10x30" },
    { series: series(`${histogram}_bucket`, { ...store, ...extra, le: "5" }), values: "0+10x30" },
    { series: series(`${histogram}_bucket`, { ...store, ...extra, le: "+Inf" }), values: "0+10x30" },
    { series: series(`${histogram}_count`, { ...store, ...extra }), values: "0+10x30" },
  ];
  return {
    name: `${alert}: one store gateway is slow, the other is not`,
    interval: "1m",
    input_series: [...buckets(STORE_0, true), ...buckets(STORE_1, false)],
    alert_rule_test: [
      { eval_time: "8m", alertname: alert, exp_alerts: [] },
      { eval_time: "20m", alertname: alert, exp_alerts: [firing(alert, { job: STORE_0.job, pod: STORE_0.pod }, "4.96")] },
    ],
  };
}

export function thanosCases(firing: Firing): TestGroup[] {
  return [
    {
      name: "a sidecar loses its started Prometheus",
      interval: "1m",
      input_series: [
        { series: series("thanos_sidecar_prometheus_up", SIDECAR), values: "1x5 0x30" },
        { series: series("prometheus_tsdb_data_replay_duration_seconds", SELF), values: "3x35" },
      ],
      alert_rule_test: [
        { eval_time: "8m", alertname: "ThanosSidecarNoConnectionToStartedPrometheus", exp_alerts: [] },
        { eval_time: "20m", alertname: "ThanosSidecarNoConnectionToStartedPrometheus", exp_alerts: [firing("ThanosSidecarNoConnectionToStartedPrometheus", SIDECAR)] },
      ],
    },
    {
      name: "a sidecar waits for a Prometheus still replaying its WAL",
      interval: "1m",
      input_series: [
        { series: series("thanos_sidecar_prometheus_up", SIDECAR), values: "0x30" },
        { series: series("prometheus_tsdb_data_replay_duration_seconds", SELF), values: "0x30" },
      ],
      alert_rule_test: [{ eval_time: "20m", alertname: "ThanosSidecarNoConnectionToStartedPrometheus", exp_alerts: [] }],
    },
    compactorRatio(firing, "ThanosCompactHighCompactionFailures", "thanos_compact_group_compactions_total", "thanos_compact_group_compactions_failures_total", { resolution: "0" }),
    compactorRatio(firing, "ThanosCompactBucketHighOperationFailures", "thanos_objstore_bucket_operations_total", "thanos_objstore_bucket_operation_failures_total", { operation: "upload" }),
    {
      name: "the compactor uploaded once at 1h and nothing since; one started at 20h has not had a day",
      interval: "1h",
      input_series: [
        { series: series("thanos_objstore_bucket_last_successful_upload_time", { ...COMPACT, bucket: "b" }), values: "0 3600x40" },
        { series: series("process_start_time_seconds", COMPACT), values: "0x40" },
        { series: series("thanos_objstore_bucket_last_successful_upload_time", { ...COMPACT, pod: "thanos-compact-1", bucket: "b" }), values: "0x40" },
        { series: series("process_start_time_seconds", { ...COMPACT, pod: "thanos-compact-1" }), values: "72000x40" },
      ],
      alert_rule_test: [
        { eval_time: "20h", alertname: "ThanosCompactHasNotRun", exp_alerts: [] },
        { eval_time: "30h", alertname: "ThanosCompactHasNotRun", exp_alerts: [firing("ThanosCompactHasNotRun", { job: COMPACT.job, pod: COMPACT.pod })] },
      ],
    },
    storeLatency(firing, "ThanosStoreSeriesGateLatencyHigh", "thanos_bucket_store_series_gate_queries_duration_seconds", {}),
    storeLatency(firing, "ThanosStoreObjstoreOperationLatencyHigh", "thanos_objstore_bucket_operation_duration_seconds", { operation: "get_range" }),
  ];
}
