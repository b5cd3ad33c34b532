/**
 * 7. The query path: dashboard range queries over both regions through the Query Frontend with a cold and a
 * warm results cache, and through Thanos Query straight; then the frontend's in-memory cache against one
 * memcached shared by two frontend replicas (a warm cache that survives a change of replica).
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { queryFrontendArgs } from "../builders/thanos/query-frontend";
import { inMemoryResponseCacheConfig, memcachedResponseCacheConfig } from "../builders/thanos/response-cache";
import { DEFAULTS } from "../config/defaults";
import { parseDuration } from "../config/duration";
import { type ServerAccess, queryRange } from "../local/client";
import { LOOPBACK, PortAllocator, address } from "../local/ports";
import type { ProcessSpec } from "../local/supervisor";
import type { Log, Topology } from "../local/topology";
import { waitFor } from "../local/wait";
import { toYaml } from "../builders/regional/render";
import { type Check, figure, type Section } from "./report";
import { percentile, round } from "./stats";

export interface QueryPathSettings {
  /** Times each expression is run over each range in each scenario, each time with a step of its own. */
  readonly repetitions: number;
  /** Dashboard time ranges (Prometheus durations). */
  readonly ranges: readonly string[];
  /** Points per series a panel asks for (Grafana's step is about the range over the panel's width). */
  readonly pointsPerRange: number;
  readonly basePort: number;
}

/**
 * Range queries like the default dashboards' panels, over the regions' raw series, so each one reaches every
 * region's StoreAPIs (sidecars and store gateways) through Thanos Query.
 */
/** The synthetic service's series only: Thanos Query, which the federation scrapes, has an http_requests_total of its own. */
export const DASHBOARD_RANGE_QUERIES = [
  'sum by (region) (rate(http_requests_total{job="synthetic-service"}[5m]))',
  'sum by (region) (rate(http_requests_total{job="synthetic-service",code=~"5.."}[5m])) / sum by (region) (rate(http_requests_total{job="synthetic-service"}[5m]))',
  'histogram_quantile(0.99, sum by (region, le) (rate(http_request_duration_seconds_bucket{job="synthetic-service"}[5m])))',
  'histogram_quantile(0.5, sum by (region, le) (rate(http_request_duration_seconds_bucket{job="synthetic-service"}[5m])))',
  'sum by (region) (up{job="synthetic-service"})',
] as const;

/**
 * The frontend never caches a result's newest minute (--query-range.response-cache-max-freshness, 1m by
 * default): the ranges end this long ago, so a warm query is answered from the cache alone. The local data
 * is minutes old; a range ending now would hold all of it in the minute no cache keeps.
 */
const END_AGO_SECONDS = 75;

/** memcached's own memory for items: the results of a few dashboards need a few MiB. */
const MEMCACHED_MEMORY_MIB = 64;

interface Key {
  readonly expr: string;
  readonly rangeSeconds: number;
  readonly step: number;
}

type Timings = number[];

/** Runs every key once against one server, one at a time; returns each latency (ms) and the series seen. */
async function runAll(
  access: ServerAccess,
  keys: readonly Key[],
  end: number,
): Promise<{ ms: Timings; series: number[] }> {
  const ms: number[] = [];
  const series: number[] = [];
  for (const k of keys) {
    const started = performance.now();
    const result = await queryRange(access, k.expr, end - k.rangeSeconds, end, k.step);
    ms.push(performance.now() - started);
    series.push(result.length);
  }
  return { ms, series };
}

/**
 * The keys of one scenario: every expression over every range, `repetitions` times, each with a step no other
 * scenario uses, so its first run misses every cache (the frontend's cache key holds the step).
 */
function scenarioKeys(settings: QueryPathSettings, scenario: number): Key[] {
  return DASHBOARD_RANGE_QUERIES.flatMap((expr) =>
    settings.ranges.flatMap((range) => {
      const rangeSeconds = parseDuration(range) ?? NaN;
      const base = Math.round(rangeSeconds / settings.pointsPerRange);
      return Array.from({ length: settings.repetitions }, (_, i) => ({
        expr,
        rangeSeconds,
        step: base + scenario * settings.repetitions + i,
      }));
    }),
  );
}

/** A memcached statistic (`stats` over its text protocol). */
function memcachedStat(port: number, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, LOOPBACK);
    let text = "";
    socket.setTimeout(5000, () => socket.destroy(new Error(`memcached on ${port}: no answer to stats`)));
    socket.on("data", (chunk) => {
      text += chunk.toString("utf8");
      if (!text.includes("END\r\n")) return;
      socket.end();
      const match = new RegExp(`^STAT ${name} (\\d+)\\r$`, "m").exec(text);
      if (match) resolve(Number(match[1]));
      else reject(new Error(`memcached on ${port}: no ${name} in its stats`));
    });
    socket.on("error", reject);
    socket.write("stats\r\n");
  });
}

/** Starts a Query Frontend beside the topology's own, on its own port, with the given results cache. */
async function startFrontend(
  topology: Topology,
  name: string,
  port: number,
  cacheConfig: object,
): Promise<ServerAccess> {
  const own = topology.rendered.startOrder
    .flat()
    .find((s) => s.name === topology.plan.global.frontend.name) as ProcessSpec;
  // The same web config (TLS and the users' bcrypt hashes) as the topology's frontend, so the same client logs in.
  const httpConfigFile = own.args.find((a) => a.startsWith("--http.config="))?.split("=")[1] as string;
  const dir = path.join(topology.plan.global.dir, name);
  fs.mkdirSync(dir, { recursive: true });
  const cacheFile = path.join(dir, "response-cache.yml");
  fs.writeFileSync(cacheFile, toYaml(cacheConfig));
  await topology.supervisor.start({
    name,
    command: topology.binaries.thanos,
    env: own.env,
    args: queryFrontendArgs({
      downstreamUrl: topology.rendered.query.url,
      httpAddress: address(port),
      httpConfigFile,
      responseCacheConfigFile: cacheFile,
      splitInterval: DEFAULTS.queryFrontend.splitInterval,
    }),
  });
  const access = { ...topology.rendered.frontend, url: `https://${address(port)}` };
  await waitFor(`${name} to answer a range query`, 60_000, () =>
    queryRange(access, "vector(1)", 0, 60, 60).then(() => true),
  );
  return access;
}

async function startMemcached(topology: Topology, binary: string, port: number): Promise<void> {
  // memcached refuses to run as root unless told which user to be; the clusters run it as a non-root user.
  const user = process.getuid?.() === 0 ? ["-u", "root"] : [];
  await topology.supervisor.start({
    name: "memcached",
    command: binary,
    args: ["-l", LOOPBACK, "-p", String(port), "-U", "0", "-m", String(MEMCACHED_MEMORY_MIB), "-t", "2", ...user],
  });
  await waitFor("memcached to answer stats", 30_000, () => memcachedStat(port, "pid").then(() => true));
}

const stat = (xs: Timings) => ({ p50: round(percentile(xs, 50), 1), p99: round(percentile(xs, 99), 1), n: xs.length });

interface Scenario {
  readonly name: string;
  readonly p50: number;
  readonly p99: number;
  readonly n: number;
}

export async function queryPathLatency(topology: Topology, settings: QueryPathSettings, log: Log): Promise<Section> {
  const ports = new PortAllocator(settings.basePort, settings.basePort + 99);
  const keyCount = scenarioKeys(settings, 0).length;
  log(
    `query path: ${DASHBOARD_RANGE_QUERIES.length} expressions x ${settings.ranges.join("/")} x ${settings.repetitions}, frontend cold/warm, Thanos Query straight, in-memory vs memcached`,
  );
  const regions = topology.plan.regions.length;
  // The frontend aligns a range's end down to its step: data must reach back past the end by the largest step.
  const largestStep = Math.max(...[0, 1, 2].flatMap((scenario) => scenarioKeys(settings, scenario).map((k) => k.step)));
  const end = await waitFor(
    `Thanos Query to hold data of all ${regions} regions older than ${END_AGO_SECONDS + largestStep} s`,
    300_000,
    async () => {
      const end = Date.now() / 1000 - END_AGO_SECONDS;
      const aligned = end - largestStep;
      return (await queryRange(topology.rendered.query, DASHBOARD_RANGE_QUERIES[0], aligned - 3600, aligned, 15))
        .length === regions
        ? end
        : undefined;
    },
    5000,
  );
  const scenarios: Scenario[] = [];
  const add = (name: string, ms: Timings) => scenarios.push({ name, ...stat(ms) });

  // The topology's own frontend (in-memory cache) and a second in-memory replica beside it.
  const inMemory = scenarioKeys(settings, 0);
  const cold = await runAll(topology.rendered.frontend, inMemory, end);
  const warm = await runAll(topology.rendered.frontend, inMemory, end);
  const straight = await runAll(topology.rendered.query, scenarioKeys(settings, 1), end);
  const secondInMemory = await startFrontend(
    topology,
    "thanos-query-frontend-in-memory-2",
    await ports.take(),
    inMemoryResponseCacheConfig(DEFAULTS.queryFrontend.responseCacheSize),
  );
  const otherInMemory = await runAll(secondInMemory, inMemory, end);
  add("Thanos Query straight (no frontend)", straight.ms);
  add("frontend, in-memory cache: cold", cold.ms);
  add("frontend, in-memory cache: warm (same replica)", warm.ms);
  add("frontend, in-memory cache: after a change of replica", otherInMemory.ms);

  const checks: Check[] = [
    {
      what: "every dashboard query answers for both regions through the frontend",
      passed: cold.series.every((n) => n === regions),
      detail: `series per answer: ${[...new Set(cold.series)].join(", ")}`,
    },
    {
      what: "a warm in-memory results cache answers faster than a cold one (p50)",
      passed: stat(warm.ms).p50 < stat(cold.ms).p50,
      detail: `${stat(warm.ms).p50} vs ${stat(cold.ms).p50} ms`,
    },
  ];
  const memcachedPort = await ports.take();
  await startMemcached(topology, topology.binaries.memcached, memcachedPort);
  const shared = memcachedResponseCacheConfig({
    addresses: [address(memcachedPort)],
    expiration: "24h",
    maxItemSize: "1MiB",
  });
  const [a, b] = [
    await startFrontend(topology, "thanos-query-frontend-memcached-0", await ports.take(), shared),
    await startFrontend(topology, "thanos-query-frontend-memcached-1", await ports.take(), shared),
  ];
  const keys = scenarioKeys(settings, 2);
  const mcCold = await runAll(a, keys, end);
  const mcWarm = await runAll(a, keys, end);
  const hitsBefore = await memcachedStat(memcachedPort, "get_hits");
  const mcOther = await runAll(b, keys, end);
  const hitsOnOtherReplica = (await memcachedStat(memcachedPort, "get_hits")) - hitsBefore;
  add("frontend, memcached cache: cold", mcCold.ms);
  add("frontend, memcached cache: warm (same replica)", mcWarm.ms);
  add("frontend, memcached cache: after a change of replica", mcOther.ms);
  checks.push({
    what: "with memcached, the other frontend replica finds the first one's results (a cache hit for each query)",
    passed: hitsOnOtherReplica >= keys.length,
    detail: `${hitsOnOtherReplica} memcached hits for ${keys.length} queries`,
  });
  const by = (name: string) => scenarios.find((s) => s.name === name);
  const speedUp = (from: string, to: string) => {
    const [a, b] = [by(from), by(to)];
    return a && b ? round(a.p50 / b.p50, 1) : NaN;
  };
  const ratios = {
    warmOverColdInMemory: speedUp("frontend, in-memory cache: cold", "frontend, in-memory cache: warm (same replica)"),
    warmOverColdMemcached: speedUp("frontend, memcached cache: cold", "frontend, memcached cache: warm (same replica)"),
    replicaChangeInMemory: speedUp(
      "frontend, in-memory cache: cold",
      "frontend, in-memory cache: after a change of replica",
    ),
    replicaChangeMemcached: speedUp(
      "frontend, memcached cache: cold",
      "frontend, memcached cache: after a change of replica",
    ),
  };
  return {
    id: "queryPath",
    title: "The query path",
    method:
      `${DASHBOARD_RANGE_QUERIES.length} range queries like the default dashboards' panels (sums by region of rates, an error ratio, p50 and p99 ` +
      `latency quantiles) over the last ${settings.ranges.join(" and ")} at about ${settings.pointsPerRange} points, each ${settings.repetitions} times with a ` +
      `step of its own (${keyCount} queries per scenario), one at a time, over both regions: through the Query Frontend (HTTPS, basic ` +
      `auth; split by ${DEFAULTS.queryFrontend.splitInterval}, results cache) and through Thanos Query straight (HTTP). "Cold" is a key's first run, "warm" the ` +
      `same key again on the same frontend; "after a change of replica" asks a second frontend replica for the keys the first one cached, ` +
      `as after a rolling update or behind a load balancer. The in-memory cache is the stack's (${DEFAULTS.queryFrontend.responseCacheSize} per replica); the shared ` +
      `one is one memcached (${MEMCACHED_MEMORY_MIB} MiB) behind two frontends. The local topology holds minutes of data, so the ranges are mostly ` +
      `empty: what is measured is the path's own cost, not the stores' scan of hours of chunks. The ranges end ${END_AGO_SECONDS} s ago, past the ` +
      `minute the frontend never caches (--query-range.response-cache-max-freshness, 1m), so a warm query is answered from the cache alone; ` +
      `a dashboard ending "now" also asks Thanos Query for its newest minute.`,
    tables: [
      {
        columns: ["path", "queries", "p50", "p99"],
        rows: scenarios.map((s) => [s.name, figure(s.n, "queries"), figure(s.p50, "ms"), figure(s.p99, "ms")]),
      },
      {
        title: "Speed-up of the p50 over a cold frontend",
        columns: ["cache", "warm (same replica)", "after a change of replica"],
        rows: [
          [
            "in-memory (per replica)",
            figure(ratios.warmOverColdInMemory, "x"),
            figure(ratios.replicaChangeInMemory, "x"),
          ],
          ["memcached (shared)", figure(ratios.warmOverColdMemcached, "x"), figure(ratios.replicaChangeMemcached, "x")],
        ],
      },
    ],
    figures: {
      expressions: DASHBOARD_RANGE_QUERIES,
      ranges: settings.ranges,
      scenarios: scenarios.map((s) => ({
        path: s.name,
        queries: figure(s.n, "queries"),
        p50: figure(s.p50, "ms"),
        p99: figure(s.p99, "ms"),
      })),
      speedUp: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, figure(v, "x")])),
      memcachedHitsOnOtherReplica: figure(hitsOnOtherReplica, "hits"),
    },
    summary: [
      {
        measure: `Query path, dashboard range queries over both regions (${settings.ranges.join("/")}), p50 / p99`,
        result: scenarios.map((s) => `${s.name}: ${s.p50} / ${s.p99} ms`).join("; "),
      },
      {
        measure: "Results cache speed-up (p50, warm over cold): same replica / after a change of replica",
        result: `in-memory ${ratios.warmOverColdInMemory}x / ${ratios.replicaChangeInMemory}x; memcached ${ratios.warmOverColdMemcached}x / ${ratios.replicaChangeMemcached}x`,
      },
    ],
    checks,
  };
}
