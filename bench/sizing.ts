/**
 * 4. Sizing check: the sizing function's Prometheus memory against the resident memory a Prometheus really
 * needs at each load, a full head and the replay of its WAL after a restart included.
 */
import { sizeRegion } from "../builders/sizing";
import { parseDuration } from "../config/duration";
import type { LocalPrometheus } from "../local/plan";
import { FLEET_JOB } from "../local/settings";
import type { Log, Topology } from "../local/topology";
import { sleep, waitFor } from "../local/wait";
import { OWN_SERIES_PER_TARGET } from "./federation";
import { residentBytes } from "./machine";
import { type Check, figure, type Section } from "./report";
import { round } from "./stats";
import { keepOneReplicaPerShard, type Niced, scalar, setFillerSeries, withTopology } from "./topology";

export interface SizingSettings extends Niced {
  readonly targets: number;
  /** Series each target serves at each load, lowest first: the loads the sizing function is checked at. */
  readonly seriesPerTargetSteps: readonly number[];
  /** Short, so each series' open head chunk fills in minutes rather than in half an hour (see HEAD_CHUNK_SAMPLES). */
  readonly interval: string;
  /** Scrapes each load is held for before it is measured: half a head chunk, a cluster head's average. */
  readonly holdScrapes: number;
  readonly basePort: number;
  /** The ratio of predicted to measured memory the sizing function must keep at every load. */
  readonly allowedRatio: readonly [number, number];
}
/** The clusters' block duration: no head compaction during the run, so head and WAL keep every sample. */
const CLUSTER_BLOCK_DURATION = "2h";
/** Prometheus cuts a head chunk at 120 samples (tsdb's samplesPerChunk) and maps it to disk. */
const HEAD_CHUNK_SAMPLES = 120;
const MI = 2 ** 20;
const mib = (bytes: number) => round(bytes / MI, 0);

interface Load {
  readonly seriesPerTarget: number;
  readonly headSeries: number;
  readonly samplesPerSeries: number;
  /** Highest VmRSS seen while the load was held (once a second). */
  readonly heldPeakBytes: number;
  /** VmHWM of the restarted Prometheus once it is ready again: the peak of its WAL replay. */
  readonly replayPeakBytes: number;
  readonly replaySeconds: number;
  readonly sidecarPeakBytes: number;
}

const measuredBytes = (l: Load) => Math.max(l.heldPeakBytes, l.replayPeakBytes);

/** Samples the resident memory of the Prometheus and its sidecar once a second for `seconds`; returns the peaks. */
async function holdAndSample(
  topology: Topology,
  p: LocalPrometheus,
  seconds: number,
): Promise<{ prometheus: number; sidecar: number }> {
  let prometheus = 0;
  let sidecar = 0;
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    prometheus = Math.max(prometheus, residentBytes(topology.supervisor.pid(p.name) as number));
    sidecar = Math.max(sidecar, residentBytes(topology.supervisor.pid(p.sidecar.name) as number));
    await sleep(1000);
  }
  return { prometheus, sidecar };
}

/** Stops the Prometheus (SIGTERM, as a rolling update does), starts it again, and measures its WAL replay. */
async function restartAndReplay(
  topology: Topology,
  p: LocalPrometheus,
): Promise<{ peakBytes: number; seconds: number }> {
  await topology.supervisor.stop(p.name);
  const started = Date.now();
  await topology.supervisor.restart(p.name);
  await topology.waitListening(p.name, 600_000);
  return {
    peakBytes: residentBytes(topology.supervisor.pid(p.name) as number, "VmHWM"),
    seconds: (Date.now() - started) / 1000,
  };
}

async function measureLoads(topology: Topology, settings: SizingSettings, log: Log): Promise<Load[]> {
  const region = topology.region("us-east");
  const [p] = await keepOneReplicaPerShard(topology, region);
  const interval = parseDuration(settings.interval) ?? NaN;
  const loads: Load[] = [];
  for (const seriesPerTarget of settings.seriesPerTargetSteps) {
    await setFillerSeries(region, seriesPerTarget - OWN_SERIES_PER_TARGET);
    await waitFor(
      `every target scraped at ${seriesPerTarget} series`,
      120_000 + 3 * interval * 1000,
      async () =>
        (await scalar(topology, p, `count(scrape_samples_scraped{job="${FLEET_JOB}"} >= ${seriesPerTarget})`)) ===
        settings.targets
          ? true
          : undefined,
      1000,
    );
    const held = await holdAndSample(topology, p, settings.holdScrapes * interval);
    // The last sample, not the instant value: a self-scrape that times out under the machine's load leaves a
    // staleness marker, and the instant query then finds no series (one CI run reported "NaN series").
    const headSeries = await scalar(topology, p, "last_over_time(prometheus_tsdb_head_series[1m])");
    const appended = await scalar(topology, p, "last_over_time(prometheus_tsdb_head_samples_appended_total[1m])");
    const replay = await restartAndReplay(topology, p);
    const load: Load = {
      seriesPerTarget,
      headSeries,
      samplesPerSeries: Math.round(appended / headSeries),
      heldPeakBytes: held.prometheus,
      replayPeakBytes: replay.peakBytes,
      replaySeconds: replay.seconds,
      sidecarPeakBytes: held.sidecar,
    };
    log(
      `sizing: ${settings.targets} x ${seriesPerTarget} series: held ${mib(load.heldPeakBytes)} MiB, WAL replay ${mib(load.replayPeakBytes)} MiB in ${round(load.replaySeconds, 1)} s, sidecar ${mib(load.sidecarPeakBytes)} MiB`,
    );
    loads.push(load);
  }
  return loads;
}

/** Bytes of a Kubernetes memory quantity the sizing function writes (`<n>Mi`). */
function quantityBytes(quantity: string): number {
  const match = /^(\d+)Mi$/.exec(quantity);
  if (!match) throw new Error(`unexpected memory quantity '${quantity}' from the sizing function`);
  return Number(match[1]) * MI;
}

export async function sizingCheck(settings: SizingSettings, log: Log): Promise<Section> {
  log(
    `sizing: ${settings.targets} targets at ${settings.interval}, ${settings.seriesPerTargetSteps.join("/")} series per target, ${settings.holdScrapes} scrapes each`,
  );
  const options = {
    regions: ["us-east"],
    shards: 1,
    targetsPerRegion: settings.targets,
    regionalInterval: settings.interval,
    blockDuration: CLUSTER_BLOCK_DURATION,
    basePort: settings.basePort,
    niceness: settings.niceness,
  };
  const { loads, retention } = await withTopology(options, log, async (topology) => ({
    loads: await measureLoads(topology, settings, log),
    retention: topology.region("us-east").config.prometheus.retention,
  }));
  const rows = loads.map((l) => {
    const sizing = sizeRegion({
      targets: settings.targets,
      seriesPerTarget: l.seriesPerTarget,
      scrapeInterval: settings.interval,
      retention,
      shards: 1,
    });
    const predicted = quantityBytes(sizing.prometheus.memoryRequest);
    return {
      load: l,
      predicted,
      limit: quantityBytes(sizing.prometheus.memoryLimit),
      sidecarRequest: quantityBytes(sizing.sidecar.memoryRequest),
      ratio: round(predicted / measuredBytes(l), 2),
    };
  });
  const [low, high] = settings.allowedRatio;
  const checks: Check[] = [
    {
      what: "memory and head series measured at three loads",
      passed: rows.length >= 3 && rows.every((r) => Number.isFinite(r.load.headSeries)),
      detail: rows.map((r) => `${r.load.headSeries.toLocaleString("en-US")} series`).join(", "),
    },
    {
      what: `the sizing function's memory is ${low} to ${high} times the measured memory at every load`,
      passed: rows.length > 0 && rows.every((r) => r.ratio >= low && r.ratio <= high),
      detail: rows.map((r) => `${r.load.headSeries.toLocaleString("en-US")} series: ${r.ratio}x`).join(", "),
    },
    {
      what: "the sidecar's measured memory stays below its request at every load",
      passed: rows.every((r) => r.load.sidecarPeakBytes < r.sidecarRequest),
      detail: rows.map((r) => `${mib(r.load.sidecarPeakBytes)} < ${mib(r.sidecarRequest)} MiB`).join(", "),
    },
  ];
  return {
    id: "sizingCheck",
    title: "Sizing check",
    method:
      `One region, one Prometheus (its twin stopped), ${settings.targets} synthetic targets scraped every ${settings.interval}, ` +
      `with the clusters' ${CLUSTER_BLOCK_DURATION} blocks so the head and the WAL keep every sample of the run. Each load is held for ` +
      `${settings.holdScrapes} scrapes once every target serves it. Prometheus keeps one open chunk per series in memory and maps it to ` +
      `disk once it holds ${HEAD_CHUNK_SAMPLES} samples, so in a cluster's head the open chunk is half full on average: ${HEAD_CHUNK_SAMPLES / 2} ` +
      `samples, reached here in minutes at a short interval instead of half an hour at 15-30 s. Loads grow in place (the new series ` +
      `join the old ones). Measured memory = the higher of the largest VmRSS seen once a second while held and ` +
      `VmHWM after a restart (SIGTERM, then start) once Prometheus is ready again, i.e. the peak of its WAL replay. The predicted ` +
      `memory is the sizing function's Prometheus memory request for that load (its limit adds headroom above it); the check ` +
      `wants ${low}-${high}x at every load. The sidecar is its own container with its own request, checked apart.`,
    tables: [
      {
        columns: [
          "series per target",
          "head series",
          "samples per series",
          "held peak",
          "WAL replay peak",
          "replay time",
          "measured",
          "predicted (request)",
          "limit",
          "predicted / measured",
          "sidecar peak",
          "sidecar request",
        ],
        rows: rows.map((r) => [
          figure(r.load.seriesPerTarget, "series"),
          figure(r.load.headSeries, "series"),
          figure(r.load.samplesPerSeries, "samples"),
          figure(mib(r.load.heldPeakBytes), "MiB"),
          figure(mib(r.load.replayPeakBytes), "MiB"),
          figure(round(r.load.replaySeconds, 1), "s"),
          figure(mib(measuredBytes(r.load)), "MiB"),
          figure(mib(r.predicted), "MiB"),
          figure(mib(r.limit), "MiB"),
          figure(r.ratio, "x"),
          figure(mib(r.load.sidecarPeakBytes), "MiB"),
          figure(mib(r.sidecarRequest), "MiB"),
        ]),
      },
    ],
    figures: {
      targets: figure(settings.targets, "targets"),
      interval: figure(settings.interval, "duration"),
      allowedRatio: settings.allowedRatio,
      loads: rows.map((r) => ({
        seriesPerTarget: figure(r.load.seriesPerTarget, "series"),
        headSeries: figure(r.load.headSeries, "series"),
        samplesPerSeries: figure(r.load.samplesPerSeries, "samples"),
        heldPeak: figure(mib(r.load.heldPeakBytes), "MiB"),
        walReplayPeak: figure(mib(r.load.replayPeakBytes), "MiB"),
        walReplayTime: figure(round(r.load.replaySeconds, 1), "s"),
        measured: figure(mib(measuredBytes(r.load)), "MiB"),
        predictedRequest: figure(mib(r.predicted), "MiB"),
        predictedLimit: figure(mib(r.limit), "MiB"),
        predictedOverMeasured: figure(r.ratio, "x"),
        sidecarPeak: figure(mib(r.load.sidecarPeakBytes), "MiB"),
        sidecarRequest: figure(mib(r.sidecarRequest), "MiB"),
      })),
    },
    summary: [
      {
        measure: `Sizing: predicted Prometheus memory vs measured (full head, WAL replay), allowed ${low}-${high}x`,
        result: rows
          .map(
            (r) =>
              `${r.load.headSeries.toLocaleString("en-US")} series: ${mib(r.predicted)} vs ${mib(measuredBytes(r.load))} MiB (${r.ratio}x)`,
          )
          .join("; "),
      },
    ],
    checks,
  };
}
