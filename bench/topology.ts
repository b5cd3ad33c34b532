import { query, request } from "../local/client";
import { type LocalPrometheus, type LocalRegion, address } from "../local/plan";
import type { LocalOptions } from "../local/settings";
import { type Log, Topology } from "../local/topology";

/**
 * A phase's scheduling priority (nice, 0-19). The quick run measures every phase at once: the phases that
 * count and weigh run below the pipeline, whose checks are timings (alert latency, answers within the client's
 * timeout), so a CPU-bound start or WAL replay of theirs cannot starve it.
 */
export interface Niced {
  readonly niceness: number;
}

/** Topologies running now, so an interrupted benchmark stops them all. */
const running = new Set<Topology>();

export async function stopRunningTopologies(): Promise<void> {
  await Promise.all([...running].map((t) => t.stop()));
}

/**
 * Starts a local topology, hands it to `use`, and stops every process it started whatever happens. A start
 * that fails is tried again on fresh ports (twice at most): with a base port in Linux' ephemeral range
 * (32768-60999), an outgoing connection can take a planned port before its server binds it.
 */
export async function withTopology<T>(
  options: Partial<LocalOptions>,
  log: Log,
  use: (topology: Topology) => Promise<T>,
  attempts = 3,
): Promise<T> {
  const topology = await Topology.create(options, log);
  running.add(topology);
  try {
    try {
      await topology.start();
    } catch (err) {
      if (attempts <= 1) throw err;
      log(`a topology did not start (${(err as Error).message.split("\n")[0]}); trying again`);
      await topology.stop();
      running.delete(topology);
      return withTopology(options, log, use, attempts - 1);
    }
    return await use(topology);
  } finally {
    await topology.stop();
    running.delete(topology);
  }
}

/**
 * Stops every replica but the first of each shard: the stack always runs two (its config allows no fewer),
 * and a measurement of what one replica carries must not share the machine with its twin.
 */
export async function keepOneReplicaPerShard(topology: Topology, region: LocalRegion): Promise<LocalPrometheus[]> {
  const [kept, twins] = [
    region.prometheus.filter((p) => p.replica === 0),
    region.prometheus.filter((p) => p.replica !== 0),
  ];
  await Promise.all(twins.map((p) => topology.supervisor.stop(p.name)));
  return kept;
}

/** Makes every target of the region's fleet serve `count` filler series besides its own metrics. */
export async function setFillerSeries(region: LocalRegion, count: number): Promise<void> {
  await request({ url: `http://${address(region.fleet.controlPort)}` }, `/series/${count}`, "POST");
}

/** The first value of an instant query on one Prometheus of the topology (NaN when it returns nothing). */
export async function scalar(topology: Topology, p: LocalPrometheus, expr: string): Promise<number> {
  return Number((await query(topology.access(p.name), expr))[0]?.value[1] ?? NaN);
}
