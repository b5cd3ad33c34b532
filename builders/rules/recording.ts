import type { RecordingRule, RuleFile } from "./types";

/**
 * Recording rules that pre-aggregate what the global tier federates. Names follow Prometheus' convention
 * `level:metric:operations`. The `region` level carries no `region` label here: the region, cloud, cluster
 * and shard arrive as external labels on /federate, so each shard's partial sum stays apart and the global
 * tier sums them. Latency is recorded as summed buckets as well as a quantile, because quantiles of
 * different shards cannot be combined and buckets can: the classic `_bucket` series summed by `le`, and the
 * native histogram summed whole (a native histogram's buckets travel in one sample, and /federate serves it over
 * protobuf). The quantile is the native histogram's where the region's targets expose one (finer buckets),
 * the classic buckets' otherwise.
 *
 * Application series are expected in the common client-library shape: `http_requests_total{code}` and the
 * histogram `http_request_duration_seconds` (classic, native, or both).
 */
export const FEDERATED_PREFIXES = ["region:", "job:", "instance:"] as const;

export const RECORDED = {
  requestRate: "region:http_requests:rate5m",
  errorRate: "region:http_request_errors:rate5m",
  errorRatio: "region:http_request_errors:ratio_rate5m",
  latencyBuckets: "region:http_request_duration_seconds_bucket:rate5m",
  latencyHistogram: "region:http_request_duration_seconds:rate5m",
  latencyP95: "region:http_request_duration_seconds:p95_rate5m",
} as const;

const SERVER_ERRORS = 'code=~"5.."';

export function recordingRules(): RuleFile<RecordingRule> {
  return {
    groups: [
      {
        name: "region-aggregates",
        rules: [
          { record: RECORDED.requestRate, expr: "sum(rate(http_requests_total[5m]))" },
          { record: RECORDED.errorRate, expr: `sum(rate(http_requests_total{${SERVER_ERRORS}}[5m]))` },
          { record: RECORDED.errorRatio, expr: `${RECORDED.errorRate} / ${RECORDED.requestRate}` },
          { record: RECORDED.latencyBuckets, expr: "sum by (le) (rate(http_request_duration_seconds_bucket[5m]))" },
          { record: RECORDED.latencyHistogram, expr: "sum(rate(http_request_duration_seconds[5m]))" },
          {
            record: RECORDED.latencyP95,
            expr: `histogram_quantile(0.95, ${RECORDED.latencyHistogram}) or histogram_quantile(0.95, ${RECORDED.latencyBuckets})`,
          },
        ],
      },
      {
        name: "job-aggregates",
        rules: [
          { record: "job:up:sum", expr: "sum by (job) (up)" },
          { record: "job:up:count", expr: "count by (job) (up)" },
          { record: "job:scrape_samples_scraped:sum", expr: "sum by (job) (scrape_samples_scraped)" },
          { record: "job:http_requests:rate5m", expr: "sum by (job) (rate(http_requests_total[5m]))" },
          {
            record: "job:http_request_errors:rate5m",
            expr: `sum by (job) (rate(http_requests_total{${SERVER_ERRORS}}[5m]))`,
          },
        ],
      },
      {
        name: "instance-aggregates",
        rules: [
          {
            record: "instance:node_cpu_utilisation:rate5m",
            expr: '1 - avg without (cpu, mode) (rate(node_cpu_seconds_total{mode="idle"}[5m]))',
          },
          {
            record: "instance:node_memory_utilisation:ratio",
            expr: "1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes",
          },
          {
            record: "instance:node_filesystem_utilisation:max_ratio",
            expr: 'max without (device, fstype, mountpoint) (1 - node_filesystem_avail_bytes{fstype!=""} / node_filesystem_size_bytes{fstype!=""})',
          },
        ],
      },
    ],
  };
}
