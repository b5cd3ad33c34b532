/**
 * Rules on a regional stack's config that need what the sizing function (builders/sizing) makes of the
 * expected load. They live here, above config and builders, so that config imports nothing above it:
 * `loadStackConfig` runs the refusals with its own rules (one ConfigError lists them all), and the entry
 * prints the warnings of a config that loaded, once each, for values a user may really mean.
 */
import { regionalPlan } from "../builders/regional/plan";
import { type RegionalSizing, retentionHeldSeconds, volumeGiBHolding } from "../builders/sizing";
import { configWarning } from "../config/errors";
import { parseDuration } from "../config/duration";
import { quantity } from "../config/quantity";
import type { RuleContext, StackRule } from "../config/rule-runner";
import { regionalRule } from "../config/rules";
import { MIN_LOCAL_RETENTION } from "../config/schema";
import type { RegionalStackConfig, StackConfig } from "../config/types";

const hours = (seconds: number) => `${Math.max(0, Math.floor(seconds / 3600))}h`;

/**
 * A volume too small for three 2h blocks at the shard's sample rate: `--storage.tsdb.retention.size` would
 * delete blocks the sidecar has not uploaded yet after an outage. Only an override can make it so: the
 * computed volume holds twice the retention.
 */
function volumeHoldsUploadBacklog(config: RegionalStackConfig, { fail }: RuleContext): void {
  const { diskGiB } = config.prometheus.overrides;
  if (diskGiB === undefined) return;
  const { samplesPerSecondPerShard } = regionalPlan(config).sizing;
  if (retentionHeldSeconds(diskGiB, samplesPerSecondPerShard) >= MIN_LOCAL_RETENTION) return;
  fail(
    ["prometheus", "overrides", "diskGiB"],
    `a whole number from ${volumeGiBHolding(MIN_LOCAL_RETENTION, samplesPerSecondPerShard)} to 65536, or no value: ` +
      `the retention size (80% of the volume) must hold three 2h blocks of the shard's ${Math.round(samplesPerSecondPerShard)} samples/s so the Thanos sidecar can upload after an outage`,
  );
}

/** The refusals that need the sizing function, for `loadStackConfig`. */
export const SIZING_RULES: readonly StackRule[] = [regionalRule(volumeHoldsUploadBacklog)];

/** A volume override that holds the upload backlog but not all of prometheus.retention: the size limit cuts retention short. */
function retentionCutShort(config: RegionalStackConfig, sizing: RegionalSizing): string[] {
  const { diskGiB } = config.prometheus.overrides;
  const retention = parseDuration(config.prometheus.retention)!;
  const held = retentionHeldSeconds(sizing.prometheus.diskGiB, sizing.samplesPerSecondPerShard);
  if (diskGiB === undefined || held >= retention) return [];
  return [
    configWarning(
      config.stack,
      ["prometheus", "overrides", "diskGiB"],
      diskGiB,
      `its retention size holds about ${hours(held)} of the shard's samples, so Prometheus deletes blocks by size before prometheus.retention (${config.prometheus.retention}); ` +
        `${volumeGiBHolding(retention, sizing.samplesPerSecondPerShard)} GiB holds it all, or leave diskGiB out for the computed size`,
    ),
  ];
}

/**
 * CPU or memory overrides below what the sizing function computes for the expected load. The figures are
 * an estimate (builders/sizing/README.md) and an override from a measurement may well be lower, so this is
 * a warning: a memory override below the working set gets the pod OOM-killed, a CPU one throttles ingestion.
 */
function overridesBelowSizing(config: RegionalStackConfig): string[] {
  const computed = regionalPlan({ ...config, prometheus: { ...config.prometheus, overrides: {} } }).sizing;
  const figures = [
    ["cpu", computed.prometheus.cpuRequest, "less CPU throttles ingestion"],
    ["memory", computed.prometheus.memoryRequest, "less memory gets the pod OOM-killed"],
  ] as const;
  return figures.flatMap(([key, figure, risk]) => {
    const value = config.prometheus.overrides[key];
    if (value === undefined || quantity(value) >= quantity(figure)) return [];
    return [
      configWarning(
        config.stack,
        ["prometheus", "overrides", key],
        value,
        `below the ${figure} the sizing function computes for ${computed.seriesPerShard} series per shard (builders/sizing): ${risk} under the expected load; keep it only if you measured less`,
      ),
    ];
  });
}

/** What the entry warns of, once each, for a config that loaded. */
export function sizingWarnings(config: StackConfig): string[] {
  if (config.tier !== "regional") return [];
  return [...overridesBelowSizing(config), ...retentionCutShort(config, regionalPlan(config).sizing)];
}
