import { ALERTMANAGER } from "../builders/global/layout";
import { LOCAL_TIMING } from "../local/settings";
import type { AlertSettings } from "./alerts";
import type { BalanceSettings } from "./balance";
import type { CapacitySettings } from "./capacity";
import type { ProgramSettings } from "./program";
import type { QueryPathSettings } from "./query-path";
import type { QuerySettings } from "./queries";
import type { SizingSettings } from "./sizing";

export interface BenchSettings {
  readonly balance: BalanceSettings;
  readonly federationRepetitions: number;
  readonly capacity: CapacitySettings;
  readonly sizing: SizingSettings;
  readonly alerts: AlertSettings;
  readonly queries: QuerySettings;
  readonly queryPath: QueryPathSettings;
  readonly program: ProgramSettings;
  /** First port of the topology that serves federation, queries, the query path and alerts. */
  readonly pipelineBasePort: number;
  /**
   * Runs every phase at once (each topology on its own ports): faster, and the figures then share the machine.
   * The full run measures one phase at a time.
   */
  readonly concurrent: boolean;
}

/**
 * Where each phase's ports start, from the run's base port (`--base-port`, `BENCH_BASE_PORT`). The phases of the
 * quick run share the machine at once, so their ranges there never overlap; the full run's phases take turns.
 * The balance run's fleet takes up to 10,000 ports from its offset. Keep every range below Linux' ephemeral
 * range (32768-60999): there a planned port is often lost before its server binds it, to another process'
 * outgoing connection or its TIME-WAIT.
 */
export const DEFAULT_BASE_PORT = 19000;
const PORT_OFFSETS = { pipeline: 190, queryPath: 400, capacity: 500, sizing: 700, balance: 1000 } as const;

/** The full run measures one phase at a time, each at the default priority. */
const ALONE = 0;
/** The quick run's phases that count and weigh, below the pipeline whose checks are timings. */
const BESIDE_THE_PIPELINE = 10;

/** The full run: the loads, one phase at a time, about 25 minutes on 2 cores. */
export function fullSettings(basePort: number): BenchSettings {
  return {
    balance: {
      targets: 10_000,
      shardCounts: [1, 2, 4, 8],
      interval: "30s",
      coverageTimeoutMs: 90_000,
      basePort: basePort + PORT_OFFSETS.balance,
      niceness: ALONE,
    },
    federationRepetitions: 20,
    // Many cheap targets at a short interval: the limit is CPU and scrape time, not this machine's memory.
    capacity: {
      targets: 1000,
      seriesPerTargetSteps: [25, 50, 100, 200, 400, 800, 1600],
      interval: "5s",
      shardCounts: [1, 2],
      basePort: basePort + PORT_OFFSETS.capacity,
      memoryShare: 0.5,
      niceness: ALONE,
    },
    sizing: {
      targets: 100,
      seriesPerTargetSteps: [250, 750, 1500],
      interval: "2s",
      holdScrapes: 60,
      basePort: basePort + PORT_OFFSETS.sizing,
      allowedRatio: [1.0, 1.25],
      niceness: ALONE,
    },
    // The clusters' peer timeout: the report's duplicates are the mesh the clusters run, and exactly once is checked.
    alerts: { alertsPerCondition: 4, peerTimeout: ALERTMANAGER.peerTimeout, exactlyOnce: true },
    queries: { repetitions: 20, rangeSeconds: 300, stepSeconds: 15 },
    // A week and an hour of history at the clusters' 30s, so the 7d range is full; 10 runs of each panel per range.
    queryPath: {
      repetitions: 10,
      ranges: ["1h", "6h", "24h", "7d"],
      pointsPerRange: 240,
      basePort: basePort + PORT_OFFSETS.queryPath,
      history: { hours: 7 * 24 + 1, intervalSeconds: 30 },
      verticalShards: 2,
      goalMs: 100,
      goalRanges: ["1h", "6h", "24h"],
      // The ranges that reach the history's blocks of 40 h and more, which the compactors downsample to 5m.
      downsampledRanges: ["24h", "7d"],
    },
    program: { regionCounts: [2, 10, 50], niceness: ALONE },
    pipelineBasePort: basePort + PORT_OFFSETS.pipeline,
    concurrent: false,
  };
}

/**
 * CI's run: every measurement and every self-check on small loads and short intervals, all phases at once, in
 * a few minutes. What it checks is correctness (one shard per target, every alert delivered, linear growth,
 * the sizing ratio, a warm cache faster than a cold one); its timings share the machine and are not the report's.
 */
export function quickSettings(basePort: number): BenchSettings {
  return {
    // Eight Prometheus starting beside the other phases can take more than 20 s to scrape every target once; the
    // phase checks assignment, so a 5 s interval (80 scrapes a second, not 200) leaves the other phases the CPU.
    balance: {
      targets: 400,
      shardCounts: [1, 2, 4, 8],
      interval: "5s",
      coverageTimeoutMs: 45_000,
      basePort: basePort + PORT_OFFSETS.balance,
      niceness: BESIDE_THE_PIPELINE,
    },
    // One fetch of each kind per pod: the selective match[] beats the naive one by two orders of magnitude.
    federationRepetitions: 1,
    capacity: {
      targets: 20,
      seriesPerTargetSteps: [100, 400],
      interval: "2s",
      shardCounts: [1, 2],
      basePort: basePort + PORT_OFFSETS.capacity,
      memoryShare: 0.5,
      niceness: BESIDE_THE_PIPELINE,
    },
    // Loads below the range the constants were fitted on (the base dominates) and a short hold: the quick run
    // checks that the function never asks for less than was measured, and not grossly more.
    sizing: {
      targets: 20,
      seriesPerTargetSteps: [100, 500, 1500],
      interval: "2s",
      holdScrapes: 10,
      basePort: basePort + PORT_OFFSETS.sizing,
      allowedRatio: [1.0, 1.5],
      niceness: BESIDE_THE_PIPELINE,
    },
    // The local 2s peer timeout: under the other phases' load a starved peer may notify before gossip tells it
    // another did, so CI checks what Alertmanager promises (at least once, at most once per peer), not exactly once.
    alerts: { alertsPerCondition: 1, peerTimeout: LOCAL_TIMING.peerTimeout, exactlyOnce: false },
    queries: { repetitions: 3, rangeSeconds: 60, stepSeconds: 5 },
    // Three hours of history and the 1h range: every path, check and byte counter, in seconds.
    queryPath: {
      repetitions: 2,
      ranges: ["1h"],
      pointsPerRange: 240,
      basePort: basePort + PORT_OFFSETS.queryPath,
      history: { hours: 3, intervalSeconds: 30 },
      verticalShards: 2,
      goalMs: 100,
      goalRanges: ["1h"],
      // Three hours hold no block the compactor downsamples (it takes 40 h): the scenarios run, on raw data.
      downsampledRanges: ["1h"],
    },
    // Three points still show linear growth; fifty regions would take the other phases' CPU for a minute. Below
    // the pipeline, not at nice 19: beside CPU-bound processes at the default priority a nice-19 child gets
    // about 1% of a core (beside two busy loops, one had 1 s of CPU after a minute), and its runs take minutes.
    program: { regionCounts: [2, 5, 10], niceness: BESIDE_THE_PIPELINE },
    pipelineBasePort: basePort + PORT_OFFSETS.pipeline,
    concurrent: true,
  };
}
