/**
 * 1. Shard balance: the fleet's targets over 1, 2, 4 and 8 hashmod shards, each assignment read from the real
 * Prometheus of that shard (`/api/v1/targets?state=active`), and every target scraped by exactly one shard.
 */
import { request } from "../local/client";
import { FLEET_JOB } from "../local/settings";
import type { Log, Topology } from "../local/topology";
import { type LocalPrometheus, type LocalRegion, address } from "../local/plan";
import { waitFor } from "../local/wait";
import { type Check, figure, type Section } from "./report";
import { round } from "./stats";
import { keepOneReplicaPerShard, type Niced, withTopology } from "./topology";

export interface BalanceSettings extends Niced {
  readonly targets: number;
  readonly shardCounts: readonly number[];
  /** Long enough for one Prometheus to scrape every target; the test measures assignment, not throughput. */
  readonly interval: string;
  readonly coverageTimeoutMs: number;
  readonly basePort: number;
}

interface ActiveTarget {
  readonly labels: Readonly<Record<string, string>>;
  readonly health: "up" | "down" | "unknown";
  readonly lastScrape: string;
}

interface TargetView {
  /** Prometheus has scraped it at least once (a last scrape time): the shard owns it and works on it. */
  readonly attempted: boolean;
  /** Its last scrape succeeded. */
  readonly up: boolean;
}

/**
 * The fleet targets one Prometheus scrapes, by address. Ownership is proven by an attempted scrape: a scrape
 * that timed out while the machine was loaded is a capacity matter (the capacity phase's), not the sharding's.
 */
async function fleetTargets(topology: Topology, p: LocalPrometheus): Promise<Map<string, TargetView>> {
  const body = JSON.parse(await request(topology.access(p.name), "/api/v1/targets?state=active")) as {
    data: { activeTargets: ActiveTarget[] };
  };
  return new Map(
    body.data.activeTargets
      .filter((t) => t.labels.job === FLEET_JOB)
      .map((t) => [t.labels.instance, { attempted: !t.lastScrape.startsWith("0001-"), up: t.health === "up" }]),
  );
}

interface ShardRun {
  readonly shards: number;
  readonly perShard: readonly number[];
  readonly once: number;
  readonly twice: number;
  readonly never: number;
  readonly strangers: number;
  readonly unscraped: number;
  /** Targets whose last scrape failed when the views were read (the machine's load, reported, not checked). */
  readonly failing: number;
  readonly coverageSeconds: number;
}

async function measure(topology: Topology, region: LocalRegion, settings: BalanceSettings): Promise<ShardRun> {
  const shards = await keepOneReplicaPerShard(topology, region);
  const started = Date.now();
  // Every target is scraped once per interval, at an offset of its own: wait until each shard has scraped all of its own.
  const views = await waitFor(
    `every target of ${settings.targets} to be scraped once`,
    settings.coverageTimeoutMs,
    async () => {
      const all = await Promise.all(shards.map((p) => fleetTargets(topology, p)));
      const scraped = all.reduce((n, view) => n + [...view.values()].filter((t) => t.attempted).length, 0);
      return scraped >= settings.targets ? all : undefined;
    },
    2000,
  ).catch(() => Promise.all(shards.map((p) => fleetTargets(topology, p))));
  const coverageSeconds = (Date.now() - started) / 1000;
  const owners = new Map<string, number>();
  for (const view of views) for (const target of view.keys()) owners.set(target, (owners.get(target) ?? 0) + 1);
  const expected = region.fleet.targetPorts.map(address);
  const count = (n: number) => expected.filter((t) => (owners.get(t) ?? 0) === n).length;
  return {
    shards: shards.length,
    perShard: views.map((v) => v.size),
    once: count(1),
    twice: expected.filter((t) => (owners.get(t) ?? 0) > 1).length,
    never: count(0),
    strangers: [...owners.keys()].filter((t) => !expected.includes(t)).length,
    unscraped: views.reduce((n, v) => n + [...v.values()].filter((t) => !t.attempted).length, 0),
    failing: views.reduce((n, v) => n + [...v.values()].filter((t) => t.attempted && !t.up).length, 0),
    coverageSeconds,
  };
}

export async function shardBalance(settings: BalanceSettings, log: Log): Promise<Section> {
  const runs: ShardRun[] = [];
  for (const shards of settings.shardCounts) {
    log(`balance: ${settings.targets} targets over ${shards} shard(s), scrape interval ${settings.interval}`);
    runs.push(
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
        (topology) => measure(topology, topology.region("us-east"), settings),
      ),
    );
  }
  const rows = runs.map((r) => {
    const mean = r.perShard.reduce((a, b) => a + b, 0) / r.perShard.length;
    return {
      ...r,
      max: Math.max(...r.perShard),
      min: Math.min(...r.perShard),
      mean,
      maxOverMean: round(Math.max(...r.perShard) / mean, 3),
    };
  });
  const checks: Check[] = rows.map((r) => ({
    what: `${r.shards} shard(s): each of ${settings.targets} targets scraped by exactly one shard`,
    passed: r.once === settings.targets && r.twice === 0 && r.never === 0 && r.strangers === 0 && r.unscraped === 0,
    detail: `${r.once} once, ${r.twice} by more than one shard, ${r.never} by none, ${r.unscraped} not yet scraped, ${r.strangers} unknown, ${r.failing} whose last scrape failed`,
  }));
  const worst = rows.reduce((a, b) => (b.maxOverMean > a.maxOverMean ? b : a));
  return {
    id: "shardBalance",
    title: "Shard balance",
    method:
      `${settings.targets.toLocaleString("en-US")} synthetic targets (one Node process, one loopback port each) in one region, hashmod-sharded on ` +
      `\`__address__\` by the builders' relabeling over each shard count; one replica per shard (its twin is stopped), scrape interval ` +
      `${settings.interval}. Each shard's assignment is read from that Prometheus' \`/api/v1/targets?state=active\` once every shard has ` +
      `attempted each of its targets (a last scrape time; a scrape that failed under the machine's load still proves the owner, and is counted apart).`,
    tables: [
      {
        columns: [
          "shards",
          "targets per shard (each shard)",
          "min",
          "mean",
          "max",
          "max / mean",
          "scraped by exactly one shard",
          "by two or more",
          "by none",
          "last scrape failed",
          "time until all scraped",
        ],
        rows: rows.map((r) => [
          figure(r.shards, "shards"),
          r.perShard.join(", "),
          figure(r.min, "targets"),
          figure(round(r.mean, 1), "targets"),
          figure(r.max, "targets"),
          figure(r.maxOverMean, "ratio"),
          figure(r.once, "targets"),
          figure(r.twice, "targets"),
          figure(r.never, "targets"),
          figure(r.failing, "targets"),
          figure(round(r.coverageSeconds, 1), "s"),
        ]),
      },
    ],
    figures: {
      targets: figure(settings.targets, "targets"),
      scrapeInterval: figure(settings.interval, "duration"),
      runs: rows.map((r) => ({
        shards: figure(r.shards, "shards"),
        targetsPerShard: r.perShard.map((n) => figure(n, "targets")),
        maxOverMean: figure(r.maxOverMean, "ratio"),
        scrapedByExactlyOneShard: figure(r.once, "targets"),
        scrapedByMoreThanOneShard: figure(r.twice, "targets"),
        scrapedByNoShard: figure(r.never, "targets"),
        lastScrapeFailed: figure(r.failing, "targets"),
        secondsUntilAllScraped: figure(round(r.coverageSeconds, 1), "s"),
      })),
    },
    summary: [
      {
        measure: `Shard balance, ${settings.targets.toLocaleString("en-US")} targets over ${settings.shardCounts.join("/")} shards (max/mean targets per shard)`,
        result: `${rows.map((r) => r.maxOverMean.toFixed(3)).join(" / ")} (worst ${worst.maxOverMean.toFixed(3)} at ${worst.shards} shards); every target scraped by exactly one shard: ${checks.every((c) => c.passed) ? "yes" : "NO"}`,
      },
    ],
    checks,
  };
}
