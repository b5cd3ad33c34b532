import { FEDERATED_PREFIXES, RECORDED } from "../rules/recording";

/**
 * What the global tier reads from every region, in one place so the federation `match[]`, the global
 * recording rules and the dashboards agree.
 *
 * REGIONAL_RECORDING_RULES are the recording rules of builders/rules/recording.ts the global tier relies
 * on. The `region:` ones are one partial sum per shard; each regional Prometheus adds its external labels
 * (`region`, `cloud`, `cluster`, `shard`, `prometheus_replica`) when it serves them on /federate.
 */
export const REGIONAL_RECORDING_RULES = {
  requests: RECORDED.requestRate,
  errors: RECORDED.errorRate,
  latencyBuckets: RECORDED.latencyBuckets,
  latencyHistogram: RECORDED.latencyHistogram,
  targetsUp: "job:up:sum",
  targetsScraped: "job:up:count",
} as const;

/** Raw series of the monitoring stack itself, few per region, federated as they are. */
export const ESSENTIAL_SERIES = {
  sidecarUploads: "thanos_shipper_uploads_total",
  sidecarUploadFailures: "thanos_shipper_upload_failures_total",
  compactorHalted: "thanos_compact_halted",
} as const;

/**
 * Recording-rule levels whose series carry no `instance` label: on /federate the target's address would be
 * attached as `instance` and tell the two replicas of a shard apart besides their replica label.
 */
export const INSTANCELESS_RULE_LEVELS = ["region", "job"] as const;

/**
 * The `match[]` selectors of every `federate-<region>` job. Never `{__name__=~".+"}`: the federation carries
 * pre-aggregated recording rules and the few raw series of ESSENTIAL_SERIES, nothing else.
 */
export function federationMatchers(): string[] {
  return [
    // The levels the regional rules pre-aggregate for federation (region, job, instance), whole.
    ...FEDERATED_PREFIXES.map((prefix) => `{__name__=~"${prefix}.+"}`),
    `{__name__=~"${Object.values(ESSENTIAL_SERIES).join("|")}"}`,
  ];
}

/** Series the federation Prometheus scrapes itself, from the Alertmanager peers (job `alertmanager`). */
export const FEDERATION_OWN_SERIES = {
  up: "up",
  alertmanagerMembers: "alertmanager_cluster_members",
} as const;
