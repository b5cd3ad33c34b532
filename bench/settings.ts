import type { AlertSettings } from "./alerts";
import type { BalanceSettings } from "./balance";
import type { CapacitySettings } from "./capacity";
import type { ProgramSettings } from "./program";
import type { QuerySettings } from "./queries";

export interface BenchSettings {
  readonly balance: BalanceSettings;
  readonly federationRepetitions: number;
  readonly capacity: CapacitySettings;
  readonly alerts: AlertSettings;
  readonly queries: QuerySettings;
  readonly program: ProgramSettings;
  /** First port of the topology that serves federation, alerts and queries. */
  readonly pipelineBasePort: number;
  /**
   * Runs every phase at once (each topology on its own ports): faster, and the figures then share the machine.
   * The full run measures one phase at a time.
   */
  readonly concurrent: boolean;
}

/**
 * The full run: the issue's loads, under 15 minutes on 2 cores. The balance run's fleet takes 10,000 ports from
 * 20000 up, below Linux' ephemeral range (32768 and up) so no outgoing connection can hold one of them.
 */
export const FULL: BenchSettings = {
  balance: { targets: 10_000, shardCounts: [1, 2, 4, 8], interval: "30s", coverageTimeoutMs: 90_000, basePort: 20000 },
  federationRepetitions: 20,
  capacity: {
    targets: 500,
    seriesPerTargetSteps: [500, 1000, 2000, 4000, 8000, 16000],
    interval: "15s",
    shardCounts: [1, 2],
    basePort: 19500,
    memoryShare: 0.5,
  },
  alerts: { alertsPerCondition: 4 },
  queries: { repetitions: 20, rangeSeconds: 300, stepSeconds: 15 },
  program: { regionCounts: [2, 10, 50] },
  pipelineBasePort: 19190,
  concurrent: false,
};

/**
 * CI's run: every measurement and every self-check on small loads and short intervals, all phases at once, under
 * 2 minutes. What it checks is correctness (one shard per target, one notification per alert, linear growth);
 * its timings share the machine and are not the report's.
 */
export const QUICK: BenchSettings = {
  balance: { targets: 400, shardCounts: [1, 2, 4, 8], interval: "2s", coverageTimeoutMs: 20_000, basePort: 20000 },
  federationRepetitions: 3,
  capacity: { targets: 20, seriesPerTargetSteps: [100, 400], interval: "2s", shardCounts: [1, 2], basePort: 19600, memoryShare: 0.5 },
  alerts: { alertsPerCondition: 1 },
  queries: { repetitions: 3, rangeSeconds: 60, stepSeconds: 5 },
  program: { regionCounts: [2, 10, 50] },
  pipelineBasePort: 19190,
  concurrent: true,
};
