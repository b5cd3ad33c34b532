import { REPLICA_LABEL } from "../../contracts/regional-outputs";
import { certificateRules } from "../rules/certificates";
import type { AlertingRule, RecordingRule, RuleFile } from "../rules/types";
import { type AlertSettings, NO_ALERT_SETTINGS, alertNames, withAlertSettings } from "../rules/settings";
import { type AlertedMesh, type AlertedRegion, globalAlertRules } from "./alerts";
import { ESSENTIAL_SERIES, REGIONAL_RECORDING_RULES } from "./series";

/** Label every regional Prometheus shard adds; series of different shards are disjoint parts of one sum. */
export const SHARD_LABEL = "shard";

export interface GlobalRecordingRule {
  readonly record: string;
  /** The federated series it reads. */
  readonly source: string;
  /** Counters are turned into rates before replicas are merged, so a replica's counter reset is harmless. */
  readonly rate?: string;
  /**
   * What every replica does on its own rather than a copy of one shared observation: each replica's sidecar
   * uploads the blocks of its own TSDB, so the region's upload work is the sum over replicas, not their max.
   */
  readonly perReplica?: true;
  /**
   * A native histogram: `max` and `min` skip histogram samples, so its replicas are merged by `avg`, which for
   * copies of one observation is the same merge (no gap when one is lost, never twice the value).
   */
  readonly histogram?: true;
}

/**
 * Global series the dashboards read. Each one is deduplicated over the regional replica label and then
 * summed over shards (except per-replica work, summed over both); see dedupedAcrossReplicas and builders/federation/README.md for why that neither
 * leaves a gap nor doubles a sum when a regional replica is lost.
 */
export const GLOBAL_RECORDING_RULES: readonly GlobalRecordingRule[] = [
  { record: "global:http_requests:rate5m", source: REGIONAL_RECORDING_RULES.requests },
  { record: "global:http_request_errors:rate5m", source: REGIONAL_RECORDING_RULES.errors },
  { record: "global:http_request_duration_seconds_bucket:rate5m", source: REGIONAL_RECORDING_RULES.latencyBuckets },
  {
    record: "global:http_request_duration_seconds:rate5m",
    source: REGIONAL_RECORDING_RULES.latencyHistogram,
    histogram: true,
  },
  { record: "global:up:sum", source: REGIONAL_RECORDING_RULES.targetsUp },
  { record: "global:up:count", source: REGIONAL_RECORDING_RULES.targetsScraped },
  {
    record: "global:thanos_shipper_uploads:rate5m",
    source: ESSENTIAL_SERIES.sidecarUploads,
    rate: "5m",
    perReplica: true,
  },
  {
    record: "global:thanos_shipper_upload_failures:rate5m",
    source: ESSENTIAL_SERIES.sidecarUploadFailures,
    rate: "5m",
    perReplica: true,
  },
  { record: "global:thanos_compact_halted:max", source: ESSENTIAL_SERIES.compactorHalted },
];

/** The global rule over a federated regional series. */
export function globalRecordOf(source: string): string {
  const rule = GLOBAL_RECORDING_RULES.find((r) => r.source === source);
  if (!rule) throw new Error(`no global recording rule reads ${source}`);
  return rule.record;
}

/**
 * Both replicas of a regional shard are federated and keep their distinct replica label, so their series
 * never collide. `max without (replica)` turns the pair into one series that exists as long as either
 * replica does (no gap when one is lost, and never twice the value); `sum without (shard)` then adds the
 * disjoint shards. Every other label (region, cluster, job, le, ...) is kept.
 */
export function dedupedAcrossReplicas(selector: string, merge: "max" | "avg" = "max"): string {
  return `sum without (${SHARD_LABEL}) (${merge} without (${REPLICA_LABEL}) (${selector}))`;
}

/** Work each replica does itself (its sidecar's uploads): summed over replicas and shards alike. */
export function summedAcrossReplicas(selector: string): string {
  return `sum without (${SHARD_LABEL}, ${REPLICA_LABEL}) (${selector})`;
}

/** The global recording rules, which the dashboards read. */
export function globalRecordingRules() {
  return {
    groups: [
      {
        name: "global-federation",
        rules: GLOBAL_RECORDING_RULES.map((r) => {
          const selector = r.rate ? `rate(${r.source}[${r.rate}])` : r.source;
          return {
            record: r.record,
            expr: r.perReplica
              ? summedAcrossReplicas(selector)
              : dedupedAcrossReplicas(selector, r.histogram ? "avg" : "max"),
          };
        }),
      },
    ],
  };
}

/**
 * The one rule file the global federation Prometheus evaluates: the recording rules and the alerts about the
 * regions and the global components, with the stack's alert settings applied.
 */
export function federationRuleFile(regions: readonly AlertedRegion[], mesh: AlertedMesh, alerts: AlertSettings) {
  const file: RuleFile<RecordingRule | AlertingRule> = {
    groups: [...globalRecordingRules().groups, ...globalAlertRules(regions, mesh).groups],
  };
  return withAlertSettings(file, alerts);
}

/** Every alert the global stack evaluates, by name (what `alerts.disabled` may name): its rule file's and its certificates'. */
export function federationAlertNames(): string[] {
  return alertNames([
    globalAlertRules([{ name: "any", clusterName: "any" }], { peers: 3 }),
    certificateRules([], 1, NO_ALERT_SETTINGS),
  ]);
}
