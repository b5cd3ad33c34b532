/**
 * What "every target's history, without a gap or a doubled series" means for a target that moves between
 * shards: its samples (deduplicated over replicas by Thanos Query, so one series per shard it was on) leave no
 * gap longer than `maxGapSeconds` over the window, and no two runs of samples from different shards overlap in
 * time. A run is a stretch of one series without such a gap: a target that leaves shard 1 and comes back later
 * has two runs on it, with shard 0's run between them. Overlapping runs would be a doubled series: a `sum`
 * over the target's series would count it twice for that time.
 */
import type { Series } from "../../local/client";

export interface Run {
  readonly shard: string;
  readonly first: number;
  readonly last: number;
}

export interface TargetHistory {
  readonly instance: string;
  readonly runs: readonly Run[];
  /** The longest time without a sample, the window's edges included. */
  readonly longestGap: number;
}

export function targetHistories(
  series: readonly Series[],
  start: number,
  end: number,
  maxGapSeconds: number,
): TargetHistory[] {
  const byInstance = new Map<string, Series[]>();
  for (const s of series) byInstance.set(s.metric.instance, [...(byInstance.get(s.metric.instance) ?? []), s]);
  return [...byInstance]
    .map(([instance, all]) => {
      const times = all
        .flatMap((s) => s.values.map(([t]) => t))
        .filter((t) => t >= start && t <= end)
        .sort((a, b) => a - b);
      const edges = [start, ...times, end];
      const longestGap = Math.max(...edges.slice(1).map((t, i) => t - edges[i]));
      const runs = all.flatMap((s) => runsOf(s, maxGapSeconds)).sort((a, b) => a.first - b.first);
      return { instance, runs, longestGap };
    })
    .sort((a, b) => a.instance.localeCompare(b.instance));
}

function runsOf(series: Series, maxGapSeconds: number): Run[] {
  const runs: Run[] = [];
  for (const [t] of series.values) {
    const current = runs[runs.length - 1];
    if (current && t - current.last <= maxGapSeconds) runs[runs.length - 1] = { ...current, last: t };
    else runs.push({ shard: series.metric.shard, first: t, last: t });
  }
  return runs;
}

/** What breaks the promise, one sentence per target (empty when none does). */
export function continuityViolations(histories: readonly TargetHistory[], maxGapSeconds: number): string[] {
  const violations: string[] = [];
  for (const h of histories) {
    if (h.longestGap > maxGapSeconds)
      violations.push(`${h.instance}: a gap of ${h.longestGap.toFixed(1)}s (runs ${describeRuns(h.runs)})`);
    h.runs.slice(1).forEach((run, i) => {
      const before = h.runs[i];
      if (run.first <= before.last)
        violations.push(
          `${h.instance}: shard ${before.shard} and shard ${run.shard} both hold samples from ${run.first} to ${Math.min(run.last, before.last)}`,
        );
    });
  }
  return violations;
}

export function describeRuns(runs: readonly Run[]): string {
  return runs.map((r) => `shard ${r.shard} ${r.first.toFixed(0)}-${r.last.toFixed(0)}`).join(", ");
}
