/**
 * What the global tier reads from every region, in one place so the federation `match[]`, the global
 * recording rules and the dashboards agree.
 *
 * REGIONAL_RECORDING_RULES are the recording rules the global tier relies on each regional Prometheus to
 * record (builders/rules/ of the regional tier). They are aggregated by `job` and keep the `le` label of
 * histogram buckets; each regional Prometheus adds its external labels (`region`, `cloud`, `cluster`,
 * `shard`, `prometheus_replica`) when it serves them on /federate.
 */
export const REGIONAL_RECORDING_RULES = {
  /** sum by (job) (rate(http_requests_total[5m])) */
  requests: "job:http_requests:rate5m",
  /** sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) */
  errors: "job:http_requests_errors:rate5m",
  /** sum by (job, le) (rate(http_request_duration_seconds_bucket[5m])) */
  latencyBuckets: "job:http_request_duration_seconds_bucket:rate5m",
  /** sum by (job) (up) */
  targetsUp: "job:up:sum",
  /** count by (job) (up) */
  targetsScraped: "job:up:count",
} as const;

/** Raw series of the monitoring stack itself, few per region, federated as they are. */
export const ESSENTIAL_SERIES = {
  sidecarUploads: "thanos_shipper_uploads_total",
  sidecarUploadFailures: "thanos_shipper_upload_failures_total",
  compactorHalted: "thanos_compact_halted",
} as const;

/**
 * Recording-rule levels that are federated whole: rules at the `region` and `job` levels are written to be
 * small enough to cross regions. `instance:` rules (one series per target) stay in the region.
 */
export const FEDERATED_RULE_LEVELS = ["region", "job"] as const;

/**
 * The `match[]` selectors of every `federate-<region>` job. Never `{__name__=~".+"}`: the federation carries
 * pre-aggregated recording rules and the few raw series of ESSENTIAL_SERIES, nothing else.
 */
export function federationMatchers(): string[] {
  return [
    ...FEDERATED_RULE_LEVELS.map((level) => `{__name__=~"${level}:.+"}`),
    `{__name__=~"${Object.values(ESSENTIAL_SERIES).join("|")}"}`,
  ];
}

/** Series the federation Prometheus scrapes itself, from the Alertmanager peers (job `alertmanager`). */
export const FEDERATION_OWN_SERIES = {
  up: "up",
  alertmanagerMembers: "alertmanager_cluster_members",
} as const;
