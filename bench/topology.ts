import { request } from "../local/client";
import { LocalPrometheus, LocalRegion, address } from "../local/plan";
import type { LocalOptions } from "../local/settings";
import { Log, Topology } from "../local/topology";

/** Topologies running now, so an interrupted benchmark stops them all. */
const running = new Set<Topology>();

export async function stopRunningTopologies(): Promise<void> {
  await Promise.all([...running].map((t) => t.stop()));
}

/** Starts a local topology, hands it to `use`, and stops every process it started whatever happens. */
export async function withTopology<T>(options: Partial<LocalOptions>, log: Log, use: (topology: Topology) => Promise<T>): Promise<T> {
  const topology = await Topology.create(options, log);
  running.add(topology);
  try {
    await topology.start();
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
  const [kept, twins] = [region.prometheus.filter((p) => p.replica === 0), region.prometheus.filter((p) => p.replica !== 0)];
  await Promise.all(twins.map((p) => topology.supervisor.stop(p.name)));
  return kept;
}

/** Makes every target of the region's fleet serve `count` filler series besides its own metrics. */
export async function setFillerSeries(region: LocalRegion, count: number): Promise<void> {
  await request({ url: `http://${address(region.fleet.controlPort)}` }, `/series/${count}`, "POST");
}
