import { parseDuration } from "../../config/duration";
import type { AlertingRule, RuleFile } from "./types";

/** Job names the alerts select on; the scrape jobs of builders/prometheus set them. */
export interface StackJobs {
  readonly sidecar: string;
  readonly storeGateway: string;
  readonly compactor: string;
}

/** The sidecar's shipper syncs every 30s; a minute covers one missed sync. */
const SIDECAR_SYNC_SLACK_SECONDS = 60;

/** gRPC codes that mean the server failed, not the client (the Thanos mixin's choice). */
const GRPC_SERVER_ERRORS = "Unknown|ResourceExhausted|Internal|Unavailable|DataLoss|DeadlineExceeded";

/**
 * Alerts on the monitoring stack itself. Each replica evaluates them; the replica label is dropped before
 * they are sent, so the Alertmanagers see one alert per region, shard and target. None uses absent(): with
 * hashmod sharding only one shard scrapes a given workload, and absent() would fire on every other shard;
 * the global federation, which sees every shard, alerts on a missing compactor (builders/federation/alerts.ts).
 */
export function alertRules(jobs: StackJobs, sidecarBlockDuration: string): RuleFile<AlertingRule> {
  const blockSeconds = parseDuration(sidecarBlockDuration);
  if (blockSeconds === undefined || blockSeconds <= 0) throw new Error(`alert rules: '${sidecarBlockDuration}' is not a block duration`);
  // Prometheus cuts a block every block duration and the sidecar ships it at its next sync (every 30s): two
  // block durations and a minute without an upload mean blocks pile up locally. A bucket that hangs rather
  // than fails raises no upload failure (seen with the GCS client, which retries a refused connection on).
  const silentUploadSeconds = 2 * blockSeconds + SIDECAR_SYNC_SLACK_SECONDS;
  return {
    groups: [
      {
        name: "monitoring-stack",
        rules: [
          {
            alert: "TargetDown",
            expr: "up == 0",
            for: "10m",
            labels: { severity: "warning" },
            annotations: {
              summary: "A scrape target is down.",
              description: "{{ $labels.job }} target {{ $labels.instance }} has failed every scrape for 10 minutes.",
            },
          },
          {
            alert: "PrometheusScrapeLimitExceeded",
            expr:
              "increase(prometheus_target_scrapes_exceeded_sample_limit_total[10m]) > 0" +
              " or increase(prometheus_target_scrape_pool_exceeded_label_limits_total[10m]) > 0",
            labels: { severity: "warning" },
            annotations: {
              summary: "Scrapes are rejected for exceeding sample_limit or label_limit.",
              description: "{{ $labels.instance }} dropped whole scrapes in the last 10 minutes: a target grew past its limits (cardinality).",
            },
          },
          {
            alert: "PrometheusRuleEvaluationFailures",
            expr: "increase(prometheus_rule_evaluation_failures_total[10m]) > 0",
            labels: { severity: "critical" },
            annotations: {
              summary: "Prometheus fails to evaluate rules.",
              description: "Evaluations of rule group {{ $labels.rule_group }} failed in the last 10 minutes: recording rules and alerts are missing.",
            },
          },
          {
            alert: "ThanosSidecarUploadFailures",
            expr: `increase(thanos_shipper_upload_failures_total{job="${jobs.sidecar}"}[30m]) > 0`,
            for: "15m",
            labels: { severity: "critical" },
            annotations: {
              summary: "The Thanos sidecar fails to upload blocks to the bucket.",
              description: "Blocks are not reaching object storage; once local retention passes they are lost from long-term queries.",
            },
          },
          {
            alert: "ThanosSidecarNotUploading",
            expr:
              `(time() - thanos_objstore_bucket_last_successful_upload_time{job="${jobs.sidecar}"} > ${silentUploadSeconds})` +
              ` and on (job, instance) (time() - process_start_time_seconds{job="${jobs.sidecar}"} > ${silentUploadSeconds})`,
            for: "15m",
            labels: { severity: "critical" },
            annotations: {
              summary: "A Thanos sidecar has uploaded no block for two block durations.",
              description: `{{ $labels.instance }} has shipped nothing to the bucket for more than ${silentUploadSeconds}s: blocks pile up on the Prometheus disk and are lost from long-term queries once local retention passes.`,
            },
          },
          {
            alert: "ThanosCompactHalted",
            expr: `thanos_compact_halted{job="${jobs.compactor}"} == 1`,
            for: "5m",
            labels: { severity: "critical" },
            annotations: {
              summary: "The Thanos compactor has halted.",
              description: "{{ $labels.pod }} stopped on an error: no compaction, downsampling or retention runs until it is fixed.",
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
              description: "{{ $labels.pod }} fails {{ $value | humanizePercentage }} of its gRPC requests: queries over long ranges are partial.",
            },
          },
          {
            alert: "ThanosStoreBucketOperationFailures",
            expr:
              `sum by (job, pod) (rate(thanos_objstore_bucket_operation_failures_total{job="${jobs.storeGateway}"}[5m]))` +
              ` / sum by (job, pod) (rate(thanos_objstore_bucket_operations_total{job="${jobs.storeGateway}"}[5m])) > 0.05`,
            for: "15m",
            labels: { severity: "warning" },
            annotations: {
              summary: "The Thanos store gateway fails bucket operations.",
              description: "{{ $labels.pod }} fails {{ $value | humanizePercentage }} of its object storage operations.",
            },
          },
          {
            alert: "Watchdog",
            expr: "vector(1)",
            labels: { severity: "none" },
            annotations: {
              summary: "Always firing: proves the alerting pipeline works end to end.",
              description: "If this alert stops arriving, alerts from this region are not being delivered.",
            },
          },
        ],
      },
    ],
  };
}
