/** 3. Scrape capacity at a 15 s interval, one replica per shard, unsharded against sharded. */
import * as os from "node:os";
import type { LocalPrometheus, LocalRegion } from "../local/plan";
import { FLEET_JOB } from "../local/settings";
import type { Log, Topology } from "../local/topology";
import { sleep, waitFor } from "../local/wait";
import { parseDuration } from "../config/duration";
import { OWN_SERIES_PER_TARGET } from "./federation";
import { cpuSeconds, residentBytes } from "./machine";
import { type Check, figure, type Section } from "./report";
import { round } from "./stats";
import { keepOneReplicaPerShard, type Niced, scalar, setFillerSeries, withTopology } from "./topology";

export interface CapacitySettings extends Niced {
  readonly targets: number;
  /** Series each target serves at each step of the ramp, lowest first. */
  readonly seriesPerTargetSteps: readonly number[];
  readonly interval: string;
  readonly shardCounts: readonly number[];
  readonly basePort: number;
  /** The ramp stops before a step whose projected Prometheus memory would pass this share of the machine's. */
  readonly memoryShare: number;
}

interface Step {
  readonly seriesPerTarget: number;
  readonly totalSeries: number;
  readonly passed: boolean;
  readonly why?: string;
  readonly maxScrapeSeconds: number;
  readonly failedScrapes: number;
  readonly headSeries: readonly number[];
  readonly rssBytes: readonly number[];
  /** Cores each Prometheus and the fleet used over the judged window: which of them was short of CPU. */
  readonly prometheusCores: readonly number[];
  readonly fleetCores: number;
}

interface Ramp {
  readonly shards: number;
  readonly steps: readonly Step[];
  readonly stoppedBy?: string;
  readonly retention: string;
}

const MI = 2 ** 20;
const mib = (bytes: number) => round(bytes / MI, 0);

/** Starts counting the CPU time of the named processes; the returned function gives the cores each used since. */
function cpuMeter(topology: Topology, names: readonly string[]): () => number[] {
  const pids = names.map((name) => topology.supervisor.pid(name) as number);
  const started = performance.now();
  const before = pids.map(cpuSeconds);
  return () => {
    const wall = (performance.now() - started) / 1000;
    return pids.map((pid, i) => round((cpuSeconds(pid) - before[i]) / wall, 2));
  };
}

/** Sums an expression over the live replicas, asking again while a replica busy ingesting lets a query time out. */
function sumOver(topology: Topology, live: readonly LocalPrometheus[], expr: string): Promise<number> {
  return waitFor(
    `${expr} from ${live.length} replica(s)`,
    60_000,
    async () => {
      const values = await Promise.all(live.map((p) => scalar(topology, p, expr)));
      return values.reduce((a, b) => a + (Number.isNaN(b) ? 0 : b), 0);
    },
    1000,
  );
}

async function measureStep(
  topology: Topology,
  region: LocalRegion,
  live: readonly LocalPrometheus[],
  seriesPerTarget: number,
  settings: CapacitySettings,
): Promise<Step> {
  const interval = parseDuration(settings.interval) ?? NaN;
  await setFillerSeries(region, seriesPerTarget - OWN_SERIES_PER_TARGET);
  // First every target is scraped at the new size once (this round creates the new series), then one more
  // whole interval is judged: every target scraped once in it, and only what that window holds counts.
  await waitFor(
    `every target scraped at ${seriesPerTarget} series`,
    3 * interval * 1000,
    async () => {
      const reached = await sumOver(
        topology,
        live,
        `count(scrape_samples_scraped{job="${FLEET_JOB}"} >= ${seriesPerTarget})`,
      );
      return reached === settings.targets ? true : undefined;
    },
    1000,
  ).catch(() => undefined);
  // The judged window is a fifth longer than the interval: a scrape that starts a few milliseconds late is
  // not slower than the interval, and a window of exactly one interval would miss it.
  const windowSeconds = Math.ceil(interval * 1.2);
  const cpu = cpuMeter(topology, [...live.map((p) => p.name), region.fleet.name]);
  await sleep(windowSeconds * 1000 + 1000);
  const cores = cpu();
  const [prometheusCores, fleetCores] = [cores.slice(0, live.length), cores[live.length]];
  const window = `[${windowSeconds}s]`;
  const atSize = await sumOver(
    topology,
    live,
    `count(min_over_time(scrape_samples_scraped{job="${FLEET_JOB}"}${window}) >= ${seriesPerTarget})`,
  );
  const failedScrapes = await sumOver(
    topology,
    live,
    `count(min_over_time(up{job="${FLEET_JOB}"}${window}) == 0) or vector(0)`,
  );
  const maxScrape = await Promise.all(
    live.map((p) => sumOver(topology, [p], `max(max_over_time(scrape_duration_seconds{job="${FLEET_JOB}"}${window}))`)),
  );
  const head = await Promise.all(live.map((p) => sumOver(topology, [p], "prometheus_tsdb_head_series")));
  const rss = live.map((p) => residentBytes(topology.supervisor.pid(p.name) as number));
  const maxScrapeSeconds = Math.max(...maxScrape);
  const why =
    failedScrapes > 0
      ? `${failedScrapes} target(s) failed a scrape`
      : atSize < settings.targets
        ? `${settings.targets - atSize} target(s) not scraped at this size within the interval and a fifth`
        : maxScrapeSeconds >= interval
          ? `a scrape took ${round(maxScrapeSeconds, 2)} s`
          : undefined;
  return {
    seriesPerTarget,
    totalSeries: seriesPerTarget * settings.targets,
    passed: why === undefined,
    why,
    maxScrapeSeconds,
    failedScrapes,
    headSeries: head,
    rssBytes: rss,
    prometheusCores,
    fleetCores,
  };
}

async function ramp(topology: Topology, settings: CapacitySettings, log: Log): Promise<Ramp> {
  const region = topology.region("us-east");
  const live = await keepOneReplicaPerShard(topology, region);
  // Prometheus applies discovered targets a few seconds after it starts: the ramp begins once every target is up.
  await waitFor(
    `all ${settings.targets} targets up`,
    30_000 + 3 * (parseDuration(settings.interval) ?? 0) * 1000,
    async () =>
      (await sumOver(topology, live, `count(up{job="${FLEET_JOB}"} == 1)`)) === settings.targets ? true : undefined,
  );
  const steps: Step[] = [];
  let stoppedBy: string | undefined;
  for (const seriesPerTarget of settings.seriesPerTargetSteps) {
    const last = steps[steps.length - 1];
    if (last) {
      const projected = last.rssBytes.reduce((a, b) => a + b, 0) * (seriesPerTarget / last.seriesPerTarget);
      if (projected > settings.memoryShare * os.totalmem()) {
        stoppedBy = `memory: ${seriesPerTarget} series per target would need about ${mib(projected)} MiB, more than ${settings.memoryShare * 100}% of this machine's`;
        break;
      }
    }
    const step = await measureStep(topology, region, live, seriesPerTarget, settings);
    log(
      `capacity: ${live.length} shard(s), ${settings.targets} x ${seriesPerTarget} series: max scrape ${round(step.maxScrapeSeconds, 3)} s, ${step.passed ? "passed" : `FAILED (${step.why})`}`,
    );
    steps.push(step);
    if (!step.passed) break;
  }
  return { shards: live.length, steps, stoppedBy, retention: region.config.prometheus.retention };
}

export async function scrapeCapacity(settings: CapacitySettings, log: Log): Promise<Section> {
  const ramps: Ramp[] = [];
  for (const shards of settings.shardCounts) {
    log(`capacity: ${shards} shard(s), ${settings.targets} targets, scrape interval ${settings.interval}`);
    ramps.push(
      await withTopology(
        {
          regions: ["us-east"],
          shards,
          targetsPerRegion: settings.targets,
          regionalInterval: settings.interval,
          basePort: settings.basePort,
          niceness: settings.niceness,
        },
        log,
        (topology) => ramp(topology, settings, log),
      ),
    );
  }
  return capacitySection(ramps, settings);
}

const best = (r: Ramp) => [...r.steps].reverse().find((s) => s.passed);
/** Whether the ramp found the limit (a step failed) or ran out of steps or memory first. */
const bound = (r: Ramp) => (r.steps.some((s) => !s.passed) ? "" : "≥ ");

function capacitySection(ramps: readonly Ramp[], settings: CapacitySettings): Section {
  const describe = (r: Ramp) => {
    const b = best(r);
    return b
      ? `${bound(r)}${b.totalSeries.toLocaleString("en-US")} series (${settings.targets} targets x ${b.seriesPerTarget})`
      : "none of the steps";
  };
  const [unsharded, ...sharded] = ramps;
  const ratio = sharded.map((r) => {
    const a = best(unsharded);
    const b = best(r);
    return a && b ? round(b.totalSeries / a.totalSeries, 2) : NaN;
  });
  // A ratio of two lower bounds says nothing; over a reached limit, a lower bound is a lower bound.
  const ratioText = (r: Ramp, i: number) =>
    bound(unsharded) || Number.isNaN(ratio[i])
      ? "no ratio (the unsharded limit was not reached)"
      : `${bound(r)}${ratio[i]}x`;
  const checks: Check[] = ramps.map((r) => ({
    what: `${r.shards} shard(s): the lowest load of the ramp is scraped within the interval`,
    passed: r.steps[0]?.passed === true,
    detail: r.steps[0]?.why,
  }));
  return {
    id: "scrapeCapacity",
    title: "Scrape capacity",
    method:
      `One region, ${settings.targets} synthetic targets scraped every ${settings.interval} by one replica per shard (the twin replicas ` +
      `are stopped so each replica has the machine to itself). Each step makes every target serve more series; once every target ` +
      `has been scraped at the new size, the next ${Math.ceil((parseDuration(settings.interval) ?? 0) * 1.2)} s (the interval and a fifth, for scrapes that start a little late) are judged: a step passes when ` +
      `every target was scraped in them, every scrape carried the step's series, none failed, and \`max_over_time(scrape_duration_seconds)\` stayed below the interval. The ramp stops at the first failing step, ` +
      `or before a step whose memory would pass ${settings.memoryShare * 100}% of the machine's; "≥" marks a limit not reached. ` +
      `Unsharded and sharded run one after the other on the same machine and fleet.`,
    tables: ramps.map((r) => ({
      title: `${r.shards} shard(s)${r.stoppedBy ? ` (ramp stopped by ${r.stoppedBy})` : ""}`,
      columns: [
        "series per target",
        "series in all",
        "samples/s in all",
        "slowest scrape",
        "failed scrapes",
        "head series per replica",
        "resident memory per replica",
        "CPU per replica",
        "CPU of the fleet",
        "result",
      ],
      rows: r.steps.map((s) => [
        figure(s.seriesPerTarget, "series"),
        figure(s.totalSeries, "series"),
        figure(round(s.totalSeries / (parseDuration(settings.interval) ?? 1), 0), "samples/s"),
        figure(round(s.maxScrapeSeconds, 3), "s"),
        figure(s.failedScrapes, "targets"),
        `${s.headSeries.map((n) => n.toLocaleString("en-US")).join(", ")} series`,
        `${s.rssBytes.map((b) => mib(b).toLocaleString("en-US")).join(", ")} MiB`,
        `${s.prometheusCores.join(", ")} cores`,
        figure(s.fleetCores, "cores"),
        s.passed ? "passed" : `failed: ${s.why}`,
      ]),
    })),
    figures: {
      interval: figure(settings.interval, "duration"),
      targets: figure(settings.targets, "targets"),
      ramps: ramps.map((r) => ({
        shards: figure(r.shards, "shards"),
        limitReached: r.steps.some((s) => !s.passed),
        stoppedBy: r.stoppedBy ?? null,
        mostSeriesWithinInterval: best(r) ? figure(best(r)!.totalSeries, "series") : null,
        steps: r.steps.map((s) => ({
          seriesPerTarget: figure(s.seriesPerTarget, "series"),
          totalSeries: figure(s.totalSeries, "series"),
          slowestScrape: figure(round(s.maxScrapeSeconds, 3), "s"),
          failedScrapes: figure(s.failedScrapes, "targets"),
          headSeries: s.headSeries.map((n) => figure(n, "series")),
          residentMemory: s.rssBytes.map((b) => figure(mib(b), "MiB")),
          prometheusCpu: s.prometheusCores.map((c) => figure(c, "cores")),
          fleetCpu: figure(s.fleetCores, "cores"),
          passed: s.passed,
        })),
      })),
      shardedOverUnsharded: sharded.map((r, i) =>
        bound(unsharded) || Number.isNaN(ratio[i]) ? null : { ...figure(ratio[i], "x"), lowerBound: bound(r) !== "" },
      ),
    },
    summary: [
      {
        measure: `Scrape capacity at ${settings.interval}, no scrape slower than the interval (this machine)`,
        result:
          `unsharded (1 replica) ${describe(unsharded)}; ` +
          sharded.map((r, i) => `${r.shards} shards (1 replica each) ${describe(r)}, ${ratioText(r, i)}`).join("; "),
      },
    ],
    checks,
    notes: [
      ...ramps
        .filter((r) => !r.steps.some((s) => !s.passed))
        .map(
          (r) =>
            `${r.shards} shard(s): no step failed, so the limit on this machine lies above the last step${r.stoppedBy ? `; the ramp stopped for ${r.stoppedBy}` : ""}.`,
        ),
      `On ${os.availableParallelism()} cores the shards share the cores with each other, with the fleet (one Node process, at most one core) ` +
        `and with whatever else the machine runs: a ratio near 1 says the machine's cores are the limit, not the sharding. The CPU columns ` +
        `(cores each process used over the judged window) say which process ran short; in a cluster each shard has its own node.`,
    ],
  };
}
