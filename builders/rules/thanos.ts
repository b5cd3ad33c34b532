import type { AlertingRule, RuleGroup } from "./types";

/** Jobs of the region's Thanos components (the sidecar scraped by its own Prometheus, the others by workload name). */
export interface ThanosJobs {
  readonly prometheus: string;
  readonly sidecar: string;
  readonly storeGateway: string;
  readonly compactor: string;
}

export const SIDECAR_UPLOAD_FAILURES = "ThanosSidecarUploadFailures";
export const SIDECAR_NOT_UPLOADING = "ThanosSidecarNotUploading";
export const COMPACT_HALTED = "ThanosCompactHalted";

/** The sidecar's shipper syncs every 30s; a minute covers one missed sync. */
const SIDECAR_SYNC_SLACK_SECONDS = 60;

/** gRPC codes that mean the server failed, not the client (the thanos-mixin's choice). */
export const GRPC_SERVER_ERRORS = "Unknown|ResourceExhausted|Internal|Unavailable|DataLoss|DeadlineExceeded";

/**
 * The 99th percentile latency, in seconds, past which the thanos-mixin calls a store or bucket slow. (The
 * mixin's series gate histogram is `..._series_gate_duration_seconds`; Thanos 0.42 names it
 * `..._series_gate_queries_duration_seconds`, as its store gateway's /metrics shows.)
 */
const SLOW_SECONDS = 2;

/** The error ratio of `failures` over `total` per pod of `job`, above `ratio`. */
export function perPodErrorRatio(failures: string, total: string, job: string, ratio: number, by = "job, pod"): string {
  return `sum by (${by}) (rate(${failures}{job="${job}"}[5m])) / sum by (${by}) (rate(${total}{job="${job}"}[5m])) > ${ratio}`;
}

/** The 99th percentile of a histogram per pod of `job`, above `seconds`, only while there is traffic to measure. */
export function perPodLatencyAbove(histogram: string, job: string, seconds: number, by = "job, pod"): string {
  return (
    `histogram_quantile(0.99, sum by (${by}, le) (rate(${histogram}_bucket{job="${job}"}[5m]))) > ${seconds}` +
    ` and sum by (${by}) (rate(${histogram}_count{job="${job}"}[5m])) > 0`
  );
}

/**
 * Alerts on the region's Thanos sidecars, store gateways and compactor, written after what the thanos-mixin
 * covers. The upload alert follows the block duration Prometheus runs with: Prometheus cuts a block every
 * block duration and the sidecar ships it at its next sync, so two block durations and a minute without an
 * upload mean blocks pile up locally. A bucket that hangs rather than fails raises no upload failure (seen
 * with the GCS client, which retries a refused connection on).
 */
export function thanosAlerts(jobs: ThanosJobs, blockSeconds: number): RuleGroup<AlertingRule> {
  const silentUploadSeconds = 2 * blockSeconds + SIDECAR_SYNC_SLACK_SECONDS;
  const sidecar = `job="${jobs.sidecar}"`;
  return {
    name: "thanos",
    rules: [
      {
        alert: SIDECAR_UPLOAD_FAILURES,
        expr: `increase(thanos_shipper_upload_failures_total{${sidecar}}[30m]) > 0`,
        for: "15m",
        labels: { severity: "critical" },
        annotations: {
          summary: "The Thanos sidecar fails to upload blocks to the bucket.",
          description:
            "Blocks are not reaching object storage; once local retention passes they are lost from long-term queries.",
        },
      },
      {
        alert: SIDECAR_NOT_UPLOADING,
        expr:
          `(time() - thanos_objstore_bucket_last_successful_upload_time{${sidecar}} > ${silentUploadSeconds})` +
          ` and on (job, instance) (time() - process_start_time_seconds{${sidecar}} > ${silentUploadSeconds})`,
        for: "15m",
        labels: { severity: "critical" },
        annotations: {
          summary: "A Thanos sidecar has uploaded no block for two block durations.",
          description: `{{ $labels.instance }} has shipped nothing to the bucket for more than ${silentUploadSeconds}s: blocks pile up on the Prometheus disk and are lost from long-term queries once local retention passes.`,
        },
      },
      {
        alert: "ThanosSidecarNoConnectionToStartedPrometheus",
        // Each sidecar is scraped by the Prometheus it serves, so `on ()` pairs it with that one; a Prometheus
        // still replaying its WAL is starting, not lost.
        expr:
          `min_over_time(thanos_sidecar_prometheus_up{${sidecar}}[5m]) == 0` +
          ` and on () prometheus_tsdb_data_replay_duration_seconds{job="${jobs.prometheus}"} != 0`,
        for: "5m",
        labels: { severity: "critical" },
        annotations: {
          summary: "A Thanos sidecar cannot reach its Prometheus.",
          description:
            "{{ $labels.instance }} has not reached the Prometheus beside it for 5 minutes: Thanos Query gets nothing recent from this replica and no block is uploaded.",
        },
      },
      {
        alert: COMPACT_HALTED,
        expr: `thanos_compact_halted{job="${jobs.compactor}"} == 1`,
        for: "5m",
        labels: { severity: "critical" },
        annotations: {
          summary: "The Thanos compactor has halted.",
          description:
            "{{ $labels.pod }} stopped on an error: no compaction, downsampling or retention runs until it is fixed.",
        },
      },
      {
        alert: "ThanosCompactHighCompactionFailures",
        expr: perPodErrorRatio(
          "thanos_compact_group_compactions_failures_total",
          "thanos_compact_group_compactions_total",
          jobs.compactor,
          0.05,
        ),
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "The Thanos compactor fails compactions.",
          description: "{{ $labels.pod }} fails {{ $value | humanizePercentage }} of its compactions.",
        },
      },
      {
        alert: "ThanosCompactBucketHighOperationFailures",
        expr: perPodErrorRatio(
          "thanos_objstore_bucket_operation_failures_total",
          "thanos_objstore_bucket_operations_total",
          jobs.compactor,
          0.05,
        ),
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "The Thanos compactor fails bucket operations.",
          description: "{{ $labels.pod }} fails {{ $value | humanizePercentage }} of its object storage operations.",
        },
      },
      {
        alert: "ThanosCompactHasNotRun",
        // The sidecars' 2h blocks are compacted into 8h ones every 8 hours, so a working compactor uploads
        // at least daily; a compactor started less than a day ago has had no chance to.
        expr:
          `(time() - max by (job, pod) (max_over_time(thanos_objstore_bucket_last_successful_upload_time{job="${jobs.compactor}"}[24h])) > 86400)` +
          ` and on (job, pod) (time() - process_start_time_seconds{job="${jobs.compactor}"} > 86400)`,
        labels: { severity: "warning" },
        annotations: {
          summary: "The Thanos compactor has uploaded nothing for 24 hours.",
          description:
            "{{ $labels.pod }} runs but has compacted or downsampled nothing for a day: queries over long ranges grow slow and the bucket grows.",
        },
      },
      {
        alert: "ThanosStoreGrpcErrorRate",
        expr:
          `sum by (job, pod) (rate(grpc_server_handled_total{job="${jobs.storeGateway}", grpc_code=~"${GRPC_SERVER_ERRORS}"}[5m]))` +
          ` / sum by (job, pod) (rate(grpc_server_started_total{job="${jobs.storeGateway}"}[5m])) > 0.05`,
        for: "5m",
        labels: { severity: "warning" },
        annotations: {
          summary: "The Thanos store gateway fails StoreAPI requests.",
          description:
            "{{ $labels.pod }} fails {{ $value | humanizePercentage }} of its gRPC requests: queries over long ranges are partial.",
        },
      },
      {
        alert: "ThanosStoreBucketOperationFailures",
        expr: perPodErrorRatio(
          "thanos_objstore_bucket_operation_failures_total",
          "thanos_objstore_bucket_operations_total",
          jobs.storeGateway,
          0.05,
        ),
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "The Thanos store gateway fails bucket operations.",
          description: "{{ $labels.pod }} fails {{ $value | humanizePercentage }} of its object storage operations.",
        },
      },
      {
        alert: "ThanosStoreSeriesGateLatencyHigh",
        expr: perPodLatencyAbove(
          "thanos_bucket_store_series_gate_queries_duration_seconds",
          jobs.storeGateway,
          SLOW_SECONDS,
        ),
        for: "10m",
        labels: { severity: "warning" },
        annotations: {
          summary: "Series requests wait long for a free slot in the Thanos store gateway.",
          description: `The 99th percentile of the time series requests to {{ $labels.pod }} wait before they run is {{ $value | humanize }}s, above ${SLOW_SECONDS}s: it has more concurrent queries than it serves.`,
        },
      },
      {
        alert: "ThanosStoreObjstoreOperationLatencyHigh",
        expr: perPodLatencyAbove("thanos_objstore_bucket_operation_duration_seconds", jobs.storeGateway, SLOW_SECONDS),
        for: "10m",
        labels: { severity: "warning" },
        annotations: {
          summary: "The Thanos store gateway's bucket operations are slow.",
          description: `The 99th percentile of {{ $labels.pod }}'s object storage operations takes {{ $value | humanize }}s, above ${SLOW_SECONDS}s: long-range queries are slow.`,
        },
      },
    ],
  };
}
