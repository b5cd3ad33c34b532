/**
 * 7. The query path: dashboard range queries over both regions' hours of history (bench/history.ts) and live
 * heads, at each dashboard range, through Thanos Query straight, through the Query Frontend cold and warm, over
 * Thanos' distributed mode (a leaf Querier per region) and with vertical sharding; per run, each hop's own time
 * (bench/query-hops.ts) and the bytes that crossed the region gateways per dashboard load; then the frontend's
 * in-memory cache against one memcached shared by two frontend replicas.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as path from "node:path";
import { GLOBAL_SCOPE } from "../builders/grafana/dashboards/helpers";
import { dashboardQueries, grafanaDashboards } from "../builders/grafana/dashboards";
import { interpolate } from "../builders/grafana/promql";
import { NAMES, REPLICA_LABEL } from "../builders/regional/layout";
import { toYaml } from "../builders/yaml";
import { endpointSdConfig, thanosQueryArgs } from "../builders/thanos/query";
import { inMemoryResponseCacheConfig, memcachedResponseCacheConfig } from "../builders/thanos/response-cache";
import YAML from "yaml";
import { FEDERATION } from "../builders/global/layout";
import { STORE_GATEWAY_ROUTE } from "../builders/gateway/routes";
import { storeArgs } from "../builders/thanos/store";
import { frontendWorkloadArgs } from "../builders/global/wiring";
import { DEFAULTS } from "../config/defaults";
import { parseDuration } from "../config/duration";
import { type ServerAccess, query, queryRange } from "../local/client";
import { LOOPBACK, PortAllocator, address } from "../local/ports";
import { FLEET_JOB, LOCAL_RETENTION } from "../local/settings";
import type { ProcessSpec } from "../local/supervisor";
import type { Log, Topology } from "../local/topology";
import { waitFor } from "../local/wait";
import { type Downsampled, type History, type HistorySettings, awaitDownsampled, backfillHistory } from "./history";
import { loadAverage } from "./machine";
import { type CpuRole, WHOLE_MACHINE, cpuPerQuery, readCpu } from "./process-cpu";
import { type GatewayBytes, type Hop, type SumCount, gatewayBytes, snapshot } from "./query-hops";
import { type Check, type Figure, figure, type Section } from "./report";
import { percentile, round } from "./stats";

export interface QueryPathSettings {
  /** Times each expression is run over each range in each scenario, each time with a step of its own. */
  readonly repetitions: number;
  /** Dashboard time ranges (Prometheus durations). */
  readonly ranges: readonly string[];
  /** Points per series a panel asks for (Grafana's step is about the range over the panel's width). */
  readonly pointsPerRange: number;
  readonly basePort: number;
  /** The history both regions get in their buckets before the queries run. */
  readonly history: HistorySettings;
  /** The frontend's vertical shards in the scenario that measures them. */
  readonly verticalShards: number;
  /** Cold p99 through the frontend the issue asks for at ranges up to 24h (ms): reported, never a check. */
  readonly goalMs: number;
  /** Ranges the goal applies to. */
  readonly goalRanges: readonly string[];
  /**
   * Ranges also measured on raw data only and on 5m data forced (`max_source_resolution`), beside Thanos'
   * automatic choice: those whose history holds downsampled blocks.
   */
  readonly downsampledRanges: readonly string[];
}

/**
 * Range queries like the default dashboards' panels over the regions' raw series (the synthetic service's; Thanos
 * Query, which the federation scrapes, has an http_requests_total of its own), so each one reaches every
 * region's StoreAPIs (sidecars and store gateways) through Thanos Query.
 */
export const DASHBOARD_RANGE_QUERIES = [
  `sum by (region) (rate(http_requests_total{job="${FLEET_JOB}"}[5m]))`,
  `sum by (region) (rate(http_requests_total{job="${FLEET_JOB}",code=~"5.."}[5m])) / sum by (region) (rate(http_requests_total{job="${FLEET_JOB}"}[5m]))`,
  `histogram_quantile(0.99, sum by (region, le) (rate(http_request_duration_seconds_bucket{job="${FLEET_JOB}"}[5m])))`,
  `histogram_quantile(0.5, sum by (region, le) (rate(http_request_duration_seconds_bucket{job="${FLEET_JOB}"}[5m])))`,
  `sum by (region) (up{job="${FLEET_JOB}"})`,
] as const;

/** The global dashboards' panels, which read the federated recording rules (`global:*`) with the federation's rate interval. */
export function globalDashboardQueries(): string[] {
  const boards = Object.values(grafanaDashboards()).filter((d) => d.tags?.includes(GLOBAL_SCOPE));
  return [
    ...new Set(boards.flatMap((d) => dashboardQueries(d).panels.map((e) => interpolate(e, { __rate_interval: "1m" })))),
  ];
}

/**
 * The frontend never caches a result's newest minute (--query-range.response-cache-max-freshness, 1m by
 * default): the ranges end this long ago, so a warm query is answered from the cache alone.
 */
const END_AGO_SECONDS = 75;

/** How long the regions' compactors may take to downsample the uploaded history (21-27 s at load 20, for a week). */
const DOWNSAMPLE_TIMEOUT_MS = 300_000;

/** memcached's own memory for items: the results of a few dashboards need a few MiB. */
const MEMCACHED_MEMORY_MIB = 64;

interface Key {
  readonly expr: string;
  readonly range: string;
  readonly rangeSeconds: number;
  readonly step: number;
}

/**
 * How the client reaches a server: a new connection (and TLS handshake) per query, as this benchmark did
 * before, or one kept-alive connection, as Grafana's data source proxy keeps them.
 */
type Connection = "new" | "kept";

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 1 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 1 }),
};

/** One range query, timed from request to parsed answer; the series it returned. */
async function timedRange(
  access: ServerAccess,
  k: Key,
  end: number,
  connection: Connection,
  maxSourceResolution?: string,
): Promise<{ ms: number; series: number }> {
  const params = new URLSearchParams({
    query: k.expr,
    start: String(end - k.rangeSeconds),
    end: String(end),
    step: String(k.step),
    ...(maxSourceResolution !== undefined ? { max_source_resolution: maxSourceResolution } : {}),
  });
  const url = new URL(`/api/v1/query_range?${params}`, access.url);
  const headers: Record<string, string> = {};
  if (access.username && access.passwordFile) {
    const password = fs.readFileSync(access.passwordFile, "utf8").trim();
    headers.Authorization = `Basic ${Buffer.from(`${access.username}:${password}`).toString("base64")}`;
  }
  const ca = access.caFile ? fs.readFileSync(access.caFile) : undefined;
  const secure = url.protocol === "https:";
  const agent = connection === "kept" ? (secure ? agents.https : agents.http) : undefined;
  const started = performance.now();
  const text = await new Promise<string>((resolve, reject) => {
    const req = (secure ? https : http).request(url, { headers, ca, agent, timeout: 60_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`${url.href}: HTTP ${res.statusCode}: ${body}`)),
      );
    });
    req.on("timeout", () => req.destroy(new Error(`${url.href}: no answer in 60 s`)));
    req.on("error", reject);
    req.end();
  });
  const ms = performance.now() - started;
  const answer = JSON.parse(text) as { data: { result: unknown[] } };
  return { ms, series: answer.data.result.length };
}

/**
 * The keys of one scenario at one range: every expression `repetitions` times, each with a step no other
 * scenario uses (a thousandth of a second apart: the frontend's cache key holds the step in milliseconds, and
 * the work stays the same), so its first run misses every cache.
 */
function scenarioKeys(
  exprs: readonly string[],
  settings: QueryPathSettings,
  range: string,
  scenario: number,
  repetitions = settings.repetitions,
): Key[] {
  const rangeSeconds = parseDuration(range) ?? NaN;
  const base = Math.round(rangeSeconds / settings.pointsPerRange);
  return exprs.flatMap((expr) =>
    Array.from({ length: repetitions }, (_, i) => ({
      expr,
      range,
      rangeSeconds,
      step: base + (scenario * repetitions + i) / 1000,
    })),
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

/** A process of the topology's start order, by name. */
function specOf(topology: Topology, name: string): ProcessSpec {
  const spec = topology.rendered.startOrder.flat().find((s) => s.name === name);
  if (!spec) throw new Error(`the topology runs no process ${name}`);
  return spec;
}

const argOf = (spec: ProcessSpec, flag: string) => {
  const value = spec.args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  if (value === undefined) throw new Error(`${spec.name} has no ${flag}`);
  return value;
};

/** Starts a Query Frontend beside the topology's own, on its own port, with the given results cache and downstream. */
async function startFrontend(
  topology: Topology,
  name: string,
  port: number,
  cacheConfig: object,
  options: { downstreamUrl?: string; verticalShards?: number } = {},
): Promise<ServerAccess> {
  const own = specOf(topology, topology.plan.global.frontend.name);
  // The same web config (TLS and the users' bcrypt hashes) as the topology's frontend, so the same client logs in.
  const httpConfigFile = argOf(own, "--http.config");
  const dir = path.join(topology.plan.global.dir, name);
  fs.mkdirSync(dir, { recursive: true });
  const cacheFile = path.join(dir, "response-cache.yml");
  fs.writeFileSync(cacheFile, toYaml(cacheConfig));
  await topology.supervisor.start({
    name,
    command: topology.binaries.thanos,
    env: own.env,
    args: frontendWorkloadArgs({
      downstreamUrl: options.downstreamUrl ?? topology.rendered.query.url,
      httpAddress: address(port),
      httpConfigFile,
      responseCacheConfigFile: cacheFile,
      verticalShards: options.verticalShards,
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

/**
 * Thanos' distributed mode: a leaf Querier per region over that region's StoreAPIs (in the region, so reached
 * directly with the region's mutual TLS), serving its own StoreAPI and QueryAPI with the region's server
 * certificate, and a root Querier in distributed mode over the leaves. Every command line comes from the same
 * builder as the clusters' Query. Returns the root's HTTP access and each leaf's gRPC port (what crosses regions).
 */
export async function startDistributed(
  topology: Topology,
  ports: PortAllocator,
): Promise<{ root: ServerAccess; leafPorts: ReadonlyMap<string, number>; leaves: ReadonlyMap<string, ServerAccess> }> {
  const leafPorts = new Map<string, number>();
  const leaves = new Map<string, ServerAccess>();
  const rootEndpoints = [];
  for (const region of topology.plan.regions) {
    const tls = topology.rendered.storeApiTls.get(region.name);
    if (!tls) throw new Error(`no StoreAPI TLS for region ${region.name}`);
    const sidecar = specOf(topology, region.prometheus[0].sidecar.name);
    const serverTls = {
      certFile: argOf(sidecar, "--grpc-server-tls-cert"),
      keyFile: argOf(sidecar, "--grpc-server-tls-key"),
      clientCaFile: argOf(sidecar, "--grpc-server-tls-client-ca"),
    };
    const name = `${region.name}-thanos-query-leaf`;
    const dir = path.join(region.dir, name);
    fs.mkdirSync(dir, { recursive: true });
    const endpointsFile = path.join(dir, "endpoints.yml");
    fs.writeFileSync(
      endpointsFile,
      toYaml(
        endpointSdConfig([
          {
            region: region.name,
            endpoints: [
              ...region.prometheus.map((p) => ({ address: address(p.sidecar.grpcPort), serverName: tls.serverName })),
              ...region.stores.map((s) => ({ address: address(s.grpcPort), serverName: tls.serverName })),
            ],
            caFile: tls.caFile,
            certFile: tls.certFile,
            keyFile: tls.keyFile,
          },
        ]),
      ),
    );
    const [grpcPort, httpPort] = [await ports.take(), await ports.take()];
    await topology.supervisor.start({
      name,
      command: topology.binaries.thanos,
      env: specOf(topology, topology.plan.global.query.name).env,
      args: thanosQueryArgs({
        endpointConfigFile: endpointsFile,
        replicaLabels: [REPLICA_LABEL],
        listen: { host: LOOPBACK, grpcPort, httpPort },
        grpcServerTls: serverTls,
      }),
    });
    leafPorts.set(region.name, grpcPort);
    leaves.set(region.name, { url: `http://${address(httpPort)}` });
    rootEndpoints.push({
      region: region.name,
      endpoints: [{ address: address(grpcPort), serverName: tls.serverName }],
      caFile: tls.caFile,
      certFile: tls.certFile,
      keyFile: tls.keyFile,
    });
  }
  const dir = path.join(topology.plan.global.dir, "thanos-query-distributed");
  fs.mkdirSync(dir, { recursive: true });
  const endpointsFile = path.join(dir, "endpoints.yml");
  fs.writeFileSync(endpointsFile, toYaml(endpointSdConfig(rootEndpoints)));
  const [grpcPort, httpPort] = [await ports.take(), await ports.take()];
  await topology.supervisor.start({
    name: "thanos-query-distributed",
    command: topology.binaries.thanos,
    env: specOf(topology, topology.plan.global.query.name).env,
    args: thanosQueryArgs({
      endpointConfigFile: endpointsFile,
      replicaLabels: [REPLICA_LABEL, FEDERATION.replicaLabel],
      listen: { host: LOOPBACK, grpcPort, httpPort },
      mode: "distributed",
      partitionLabels: ["region"],
    }),
  });
  const root = { url: `http://${address(httpPort)}` };
  const regions = topology.plan.regions.length;
  // Experimental upstream: a leaf whose stores advertise no data yet (a store gateway before its first sync)
  // scopes itself out of every query. What the root answers is reported, not required.
  await waitFor("the distributed Query to answer", 60_000, async () =>
    (await query(root, "vector(1)")).length === 1 ? true : undefined,
  );
  await waitFor("the distributed Query to answer for every region", 30_000, async () =>
    (await query(root, DASHBOARD_RANGE_QUERIES[0])).length === regions ? true : undefined,
  ).catch(() => undefined);
  return { root, leafPorts, leaves };
}

/**
 * A second central Query beside the topology's, over the same endpoints file (the same StoreAPIs through the
 * same gateways), on Thanos' own PromQL engine: the same builder with one parameter changed.
 */
async function startThanosEngineQuery(topology: Topology, ports: PortAllocator): Promise<ServerAccess> {
  const own = specOf(topology, topology.plan.global.query.name);
  const [grpcPort, httpPort] = [await ports.take(), await ports.take()];
  await topology.supervisor.start({
    name: "thanos-query-thanos-engine",
    command: topology.binaries.thanos,
    env: own.env,
    args: thanosQueryArgs({
      endpointConfigFile: argOf(own, "--endpoint.sd-config-file"),
      replicaLabels: own.args.filter((a) => a.startsWith("--query.replica-label=")).map((a) => a.split("=")[1]),
      listen: { host: LOOPBACK, grpcPort, httpPort },
      promqlEngine: "thanos",
    }),
  });
  const access = { url: `http://${address(httpPort)}` };
  const regions = topology.plan.regions.length;
  await waitFor("the Query on the Thanos engine to answer for every region", 60_000, async () =>
    (await query(access, DASHBOARD_RANGE_QUERIES[0])).length === regions ? true : undefined,
  );
  return access;
}

/** The central path as it was before the store gateways cached chunks: its own stores, Query and frontend. */
interface UncachedPath {
  readonly stores: readonly ServerAccess[];
  /** Their StoreAPI ports, which Query dials directly. */
  readonly storeGrpcPorts: readonly number[];
  readonly query: ServerAccess;
  readonly frontend: ServerAccess;
}

/**
 * A store gateway per region as the topology's but without the caching bucket (the same builder, the chunk
 * cache left out), a Query over them and the regions' sidecars (the topology's endpoints file with each
 * region's store route swapped for its new store, dialled directly with the same TLS: the region gateway has
 * no route to it), and a frontend in front.
 */
async function startUncachedPath(topology: Topology, ports: PortAllocator): Promise<UncachedPath> {
  const ownQuery = specOf(topology, topology.plan.global.query.name);
  const endpointsFile = argOf(ownQuery, "--endpoint.sd-config-file");
  const endpoints = YAML.parse(fs.readFileSync(endpointsFile, "utf8")) as { endpoints: { address: string }[] };
  const stores: ServerAccess[] = [];
  const storeGrpcPorts: number[] = [];
  for (const region of topology.plan.regions) {
    const own = specOf(topology, region.stores[0].name);
    const name = `${region.name}-thanos-store-uncached`;
    const [grpcPort, httpPort] = [await ports.take(), await ports.take()];
    await topology.supervisor.start({
      name,
      command: topology.binaries.thanos,
      env: own.env,
      args: storeArgs({
        listen: { host: LOOPBACK, grpcPort, httpPort },
        tls: {
          certFile: argOf(own, "--grpc-server-tls-cert"),
          keyFile: argOf(own, "--grpc-server-tls-key"),
          clientCaFile: argOf(own, "--grpc-server-tls-client-ca"),
        },
        dataDir: path.join(region.dir, name, "data"),
        objstoreConfigFile: argOf(own, "--objstore.config-file"),
        indexCacheSizeMiB: Number.parseInt(argOf(own, "--index-cache-size"), 10),
        syncInterval: argOf(own, "--sync-block-duration"),
      }),
    });
    stores.push({ url: `http://${address(httpPort)}` });
    storeGrpcPorts.push(grpcPort);
    const routed = address(region.gateway.storeApiPorts[STORE_GATEWAY_ROUTE]);
    for (const e of endpoints.endpoints) if (e.address === routed) e.address = address(grpcPort);
  }
  const dir = path.join(topology.plan.global.dir, "thanos-query-uncached");
  fs.mkdirSync(dir, { recursive: true });
  const ownEndpoints = path.join(dir, "endpoints.yml");
  fs.writeFileSync(ownEndpoints, toYaml(endpoints));
  const [grpcPort, httpPort] = [await ports.take(), await ports.take()];
  await topology.supervisor.start({
    name: "thanos-query-uncached",
    command: topology.binaries.thanos,
    env: ownQuery.env,
    args: thanosQueryArgs({
      endpointConfigFile: ownEndpoints,
      replicaLabels: ownQuery.args.filter((a) => a.startsWith("--query.replica-label=")).map((a) => a.split("=")[1]),
      listen: { host: LOOPBACK, grpcPort, httpPort },
    }),
  });
  const queryAccess = { url: `http://${address(httpPort)}` };
  const targets = topology.plan.regions.reduce((n, r) => n + r.fleet.targetPorts.length, 0);
  await waitFor(
    "the Query over the uncached store gateways to answer from the history for every target",
    120_000,
    async () =>
      Number((await query(queryAccess, `count(up{job="${FLEET_JOB}"} offset 1h)`))[0]?.value[1]) === targets
        ? true
        : undefined,
  );
  const frontend = await startFrontend(
    topology,
    "thanos-query-frontend-uncached",
    await ports.take(),
    inMemoryResponseCacheConfig(DEFAULTS.queryFrontend.responseCacheSize),
    { downstreamUrl: queryAccess.url },
  );
  return { stores, storeGrpcPorts, query: queryAccess, frontend };
}

/** One scenario's run at one range: the client's latencies, each hop's time, the bytes through the gateways. */
interface Run {
  readonly scenario: string;
  readonly range: string;
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly series: readonly number[];
  /** Per hop: mean ms per client query, and calls per client query. */
  readonly hops: readonly { readonly hop: string; readonly msPerQuery: number; readonly callsPerQuery: number }[];
  /** Bytes out of every region (answers) and into them (requests) per dashboard load. */
  readonly bytesOutPerLoad: number;
  readonly bytesInPerLoad: number;
  readonly load: Figure;
  /** CPU per client query by role (bench/process-cpu.ts), the machine's whole last. */
  readonly cpu: readonly { readonly role: string; readonly msPerQuery: number }[];
}

interface ScenarioSpec {
  readonly name: string;
  readonly access: ServerAccess;
  readonly connection: Connection;
  readonly exprs: readonly string[];
  readonly hops: readonly Hop[];
  /** The ports whose connections cross a region boundary. */
  readonly crossRegionPorts: readonly number[];
  /** The coarsest resolution asked for (`max_source_resolution`); absent, Query picks step / 5 (auto-downsampling). */
  readonly maxSourceResolution?: string;
  /** The ranges it runs at (absent: every range). */
  readonly ranges?: readonly string[];
  /** Run with every process the central path does not read from paused (the path nearly alone on the machine). */
  readonly alone?: boolean;
}

const stat = (xs: readonly number[]) => ({ p50: round(percentile(xs, 50), 1), p99: round(percentile(xs, 99), 1) });

/** Runs `keys` one at a time and reads each hop and the gateways' bytes around them. */
async function measure(topology: Topology, spec: ScenarioSpec, keys: readonly Key[], end: number): Promise<Run> {
  const roles = cpuRoles(topology);
  const paused = spec.alone ? offCentralPath(topology) : [];
  const before = await snapshot(spec.hops);
  const bytesBefore = gatewayBytes(spec.crossRegionPorts);
  for (const name of paused) topology.supervisor.pause(name);
  const cpuBefore = readCpu(roles);
  const ms: number[] = [];
  const series: number[] = [];
  try {
    for (const k of keys) {
      const r = await timedRange(spec.access, k, end, spec.connection, spec.maxSourceResolution);
      ms.push(r.ms);
      series.push(r.series);
    }
  } finally {
    for (const name of paused) topology.supervisor.resume(name);
  }
  const cpuAfter = readCpu(roles);
  const bytesAfter: GatewayBytes = gatewayBytes(spec.crossRegionPorts);
  const after = await snapshot(spec.hops);
  const loads = keys.length / spec.exprs.length;
  const delta = (a: SumCount, b: SumCount) => ({ sum: b.sum - a.sum, count: b.count - a.count });
  return {
    scenario: spec.name,
    range: keys[0].range,
    n: keys.length,
    ...stat(ms),
    series,
    hops: spec.hops.map((hop, i) => {
      const d = delta(before[i], after[i]);
      return {
        hop: hop.name,
        msPerQuery: round((d.sum * 1000) / keys.length, 2),
        callsPerQuery: round(d.count / keys.length, 2),
      };
    }),
    bytesOutPerLoad: Math.round((bytesAfter.out - bytesBefore.out) / loads),
    bytesInPerLoad: Math.round((bytesAfter.in - bytesBefore.in) / loads),
    load: loadAverage(),
    cpu: cpuPerQuery(roles, cpuBefore, cpuAfter, keys.length),
  };
}

/**
 * The processes a cold query on the central path reads from: the topology's frontend and Query, every StoreAPI
 * it dials (the regions' sidecars and store gateways through the region gateways, the federation's sidecars)
 * and what answers behind them (each sidecar's Prometheus: a range within its retention is read from its head,
 * and a sidecar whose Prometheus is paused holds the query until Query's timeout; the bucket emulators). Every
 * other bucket client stays too (the compactors, the other scenarios' store gateways): one paused in the middle
 * of a transfer could hold up the emulator's answers to the store gateways.
 */
function keptRunning(topology: Topology): Set<string> {
  const { plan, supervisor } = topology;
  return new Set([
    plan.global.frontend.name,
    plan.global.query.name,
    ...plan.global.federation.flatMap((f) => [f.name, f.sidecar.name]),
    ...plan.regions.flatMap((r) => [
      ...r.prometheus.flatMap((p) => [p.name, p.sidecar.name]),
      ...r.gateway.replicas.map((g) => g.name),
      r.compactor.name,
    ]),
    ...supervisor.names().filter(isStoreGateway),
    ...plan.emulators.map((e) => e.name),
  ]);
}

const QUERIES_ROLE = "Thanos Queries";
const STORE_GATEWAYS_ROLE = "store gateways";

const isStoreGateway = (name: string) => name.includes(`-${NAMES.storeGateway}-`);

/** Everything running that a cold query on the central path does not read from: the scrape targets, the mesh, the other scenarios' Queries and frontends. */
function offCentralPath(topology: Topology): string[] {
  const kept = keptRunning(topology);
  return topology.supervisor.names().filter((n) => !kept.has(n) && topology.supervisor.isRunning(n));
}

/**
 * Every running process by role, for the CPU a query costs each: the roles of the query path (the extra
 * scenarios' frontends, Queries and store gateways with the topology's own), then the rest of the topology.
 */
function cpuRoles(topology: Topology): CpuRole[] {
  const { plan, supervisor } = topology;
  const running = supervisor.names().filter((n) => supervisor.isRunning(n));
  const frontends = running.filter((n) => n.includes("query-frontend"));
  const queries = running.filter((n) => n.includes("thanos-query") && !frontends.includes(n));
  const emulators = plan.emulators.map((e) => e.name);
  const byRole: [string, string[]][] = [
    ["Query Frontends", frontends],
    [QUERIES_ROLE, queries],
    [STORE_GATEWAYS_ROLE, running.filter(isStoreGateway)],
    ["sidecars", running.filter((n) => n.endsWith("-sidecar"))],
    ["region gateways (HAProxy)", plan.regions.flatMap((r) => r.gateway.replicas.map((g) => g.name))],
    ["bucket emulators", emulators],
  ];
  const named = new Set(byRole.flatMap(([, names]) => names));
  byRole.push([
    "the rest of the topology (Prometheus, compactors, Alertmanagers, fleet)",
    running.filter((n) => !named.has(n)),
  ]);
  return byRole.map(([role, names]) => ({
    role,
    groups: names.map((n) => supervisor.pid(n)).filter((pid): pid is number => pid !== undefined),
  }));
}

/** Every region gateway's StoreAPI port: each connection through one carries a region's data to the global tier. */
function gatewayStoreApiPorts(topology: Topology): number[] {
  return topology.plan.regions.flatMap((r) => Object.values(r.gateway.storeApiPorts));
}

/** The frontend's own time, where the path has a frontend. */
function frontendHop(frontend: ServerAccess | undefined): Hop[] {
  return frontend
    ? [
        {
          name: "frontend",
          access: frontend,
          histogram: "http_request_duration_seconds",
          labels: { handler: "query-frontend" },
        },
      ]
    : [];
}

/**
 * The hops of the central path: the frontend (when there is one), Query, its StoreAPI calls, and the stores
 * (the topology's store gateways unless others are given).
 */
function centralHops(
  topology: Topology,
  frontend: ServerAccess | undefined,
  queryAccess: ServerAccess = topology.rendered.query,
  storeGateways: readonly ServerAccess[] = topology.plan.regions.flatMap((r) =>
    r.stores.map((s) => topology.access(s.name)),
  ),
): Hop[] {
  const thanos = (name: string) => topology.access(name);
  const regions = topology.plan.regions;
  return [
    ...frontendHop(frontend),
    {
      name: "Query",
      access: queryAccess,
      histogram: "http_request_duration_seconds",
      labels: { handler: "query_range" },
    },
    {
      name: "Query's StoreAPI calls (through the gateways)",
      access: queryAccess,
      histogram: "grpc_client_handling_seconds",
      labels: { grpc_method: "Series" },
    },
    ...regions.flatMap((r) =>
      r.prometheus.map((p) => ({
        name: `sidecars`,
        access: thanos(p.sidecar.name),
        histogram: "grpc_server_handling_seconds",
        labels: { grpc_method: "Series" },
      })),
    ),
    ...storeGateways.map((access) => ({
      name: "store gateways",
      access,
      histogram: "grpc_server_handling_seconds",
      labels: { grpc_method: "Series" },
    })),
  ];
}

function distributedHops(
  topology: Topology,
  frontend: ServerAccess | undefined,
  root: ServerAccess,
  leaves: ReadonlyMap<string, ServerAccess>,
): Hop[] {
  return [
    ...frontendHop(frontend),
    { name: "Query", access: root, histogram: "http_request_duration_seconds", labels: { handler: "query_range" } },
    {
      name: "root's calls to the leaves (across regions)",
      access: root,
      histogram: "grpc_client_handling_seconds",
      labels: { grpc_service: "thanos.Query" },
    },
    ...[...leaves.values()].map((access) => ({
      name: "leaves' StoreAPI calls (in region)",
      access,
      histogram: "grpc_client_handling_seconds",
      labels: { grpc_method: "Series" },
    })),
    ...topology.plan.regions.flatMap((r) => [
      ...r.prometheus.map((p) => ({
        name: "sidecars",
        access: topology.access(p.sidecar.name),
        histogram: "grpc_server_handling_seconds",
        labels: { grpc_method: "Series" },
      })),
      ...r.stores.map((s) => ({
        name: "store gateways",
        access: topology.access(s.name),
        histogram: "grpc_server_handling_seconds",
        labels: { grpc_method: "Series" },
      })),
    ]),
  ];
}

/** Hops of one name (the sidecars of every region, say) added together. */
function mergeHops(run: Run): Run {
  const merged = new Map<string, { msPerQuery: number; callsPerQuery: number }>();
  for (const h of run.hops) {
    const m = merged.get(h.hop) ?? { msPerQuery: 0, callsPerQuery: 0 };
    merged.set(h.hop, { msPerQuery: m.msPerQuery + h.msPerQuery, callsPerQuery: m.callsPerQuery + h.callsPerQuery });
  }
  return {
    ...run,
    hops: [...merged].map(([hop, m]) => ({
      hop,
      msPerQuery: round(m.msPerQuery, 2),
      callsPerQuery: round(m.callsPerQuery, 2),
    })),
  };
}

/** Mean ms per call of a hop (its time per query over its calls per query). */
const perCall = (h: { msPerQuery: number; callsPerQuery: number }) =>
  h.callsPerQuery > 0 ? round(h.msPerQuery / h.callsPerQuery, 2) : 0;

const COLD_KEPT = "frontend cold, connection kept";
const PATH_ALONE = "frontend cold, connection kept, the processes it does not read from paused";
const WARM = "frontend warm (same replica)";
const DISTRIBUTED_COLD = "frontend cold, distributed mode (a leaf Querier per region)";
const GLOBAL_COLD = "frontend cold, global dashboards (federated recording rules)";
const RAW_ONLY = "frontend cold, raw data only (max_source_resolution=0s)";
const FORCED_5M = "frontend cold, 5m data where downsampled (max_source_resolution=5m)";
const NO_CACHING_BUCKET = "frontend cold, store gateways without the caching bucket (before)";

/** The history in the buckets, and the moment every measured range ends. */
interface Prepared {
  readonly history: History;
  readonly downsampled: Downsampled;
  /** Targets Thanos Query found at the history's first hour, against the fleet's own count. */
  readonly upAtStart: number;
  readonly targets: number;
  readonly end: number;
}

async function prepareHistory(
  topology: Topology,
  settings: QueryPathSettings,
  log: Log,
  startedAt: number,
): Promise<Prepared> {
  const targets = topology.plan.regions.reduce((n, r) => n + r.fleet.targetPorts.length, 0);
  // History ends before the topology started, so no series has two sources for one moment.
  const scratch = fs.mkdtempSync(path.join(topology.plan.root, "history-"));
  const history: History = await backfillHistory(topology, settings.history, startedAt - 60, scratch, log);
  fs.rmSync(scratch, { recursive: true, force: true });
  const downsampled = await awaitDownsampled(topology, performance.now(), DOWNSAMPLE_TIMEOUT_MS, log);
  const probeTime = history.start + 1800;
  const upAtStart = await waitFor(
    `Thanos Query to answer from the history's first hour for all ${targets} targets`,
    300_000,
    async () => {
      const n = Number((await query(topology.rendered.query, `count(up{job="${FLEET_JOB}"})`, probeTime))[0]?.value[1]);
      return n === targets ? n : undefined;
    },
    3000,
  );
  return { history, downsampled, upAtStart, targets, end: Date.now() / 1000 - END_AGO_SECONDS };
}

interface FirstTouch {
  readonly range: string;
  readonly ms: number;
}

/** The first query of each range after the blocks appeared: the store gateways load index headers lazily. */
async function firstTouchTimings(topology: Topology, settings: QueryPathSettings, end: number): Promise<FirstTouch[]> {
  const firstTouch: FirstTouch[] = [];
  for (const range of settings.ranges) {
    const [k] = scenarioKeys([DASHBOARD_RANGE_QUERIES[0]], settings, range, 9 * settings.repetitions, 1);
    firstTouch.push({ range, ms: round((await timedRange(topology.rendered.query, k, end, "kept")).ms, 1) });
  }
  return firstTouch;
}

/** The scenarios' servers beside the topology's own; the supervisor stops them by pid with the topology. */
interface ExtraServers {
  readonly vertical: ServerAccess;
  readonly distributed: Awaited<ReturnType<typeof startDistributed>>;
  readonly distributedFrontend: ServerAccess;
  readonly thanosEngine: ServerAccess;
  readonly thanosEngineFrontend: ServerAccess;
  readonly uncached: UncachedPath;
}

async function startExtraServers(
  topology: Topology,
  settings: QueryPathSettings,
  ports: PortAllocator,
): Promise<ExtraServers> {
  const vertical = await startFrontend(
    topology,
    "thanos-query-frontend-vertical",
    await ports.take(),
    inMemoryResponseCacheConfig(DEFAULTS.queryFrontend.responseCacheSize),
    { verticalShards: settings.verticalShards },
  );
  const distributed = await startDistributed(topology, ports);
  const distributedFrontend = await startFrontend(
    topology,
    "thanos-query-frontend-distributed",
    await ports.take(),
    inMemoryResponseCacheConfig(DEFAULTS.queryFrontend.responseCacheSize),
    { downstreamUrl: distributed.root.url },
  );
  const thanosEngine = await startThanosEngineQuery(topology, ports);
  const thanosEngineFrontend = await startFrontend(
    topology,
    "thanos-query-frontend-thanos-engine",
    await ports.take(),
    inMemoryResponseCacheConfig(DEFAULTS.queryFrontend.responseCacheSize),
    { downstreamUrl: thanosEngine.url },
  );
  const uncached = await startUncachedPath(topology, ports);
  return { vertical, distributed, distributedFrontend, thanosEngine, thanosEngineFrontend, uncached };
}

/** The measured paths, in the order they run; a scenario's index keeps its keys' steps apart from the others'. */
function scenarioSpecs(
  topology: Topology,
  settings: QueryPathSettings,
  servers: ExtraServers,
  globalExprs: readonly string[],
): ScenarioSpec[] {
  const raw = DASHBOARD_RANGE_QUERIES;
  const crossRegion = gatewayStoreApiPorts(topology);
  const frontend = topology.rendered.frontend;
  const distributed = servers.distributed;
  return [
    {
      name: "Thanos Query straight",
      access: topology.rendered.query,
      connection: "kept",
      exprs: raw,
      hops: centralHops(topology, undefined),
      crossRegionPorts: crossRegion,
    },
    {
      name: "frontend cold, a new connection per query",
      access: frontend,
      connection: "new",
      exprs: raw,
      hops: centralHops(topology, frontend),
      crossRegionPorts: crossRegion,
    },
    {
      name: COLD_KEPT,
      access: frontend,
      connection: "kept",
      exprs: raw,
      hops: centralHops(topology, frontend),
      crossRegionPorts: crossRegion,
    },
    {
      name: PATH_ALONE,
      access: frontend,
      connection: "kept",
      exprs: raw,
      hops: centralHops(topology, frontend),
      crossRegionPorts: crossRegion,
      alone: true,
    },
    {
      name: `frontend cold, vertical sharding x${settings.verticalShards}`,
      access: servers.vertical,
      connection: "kept",
      exprs: raw,
      hops: centralHops(topology, servers.vertical),
      crossRegionPorts: crossRegion,
    },
    {
      name: "frontend cold, Query on the Thanos PromQL engine",
      access: servers.thanosEngineFrontend,
      connection: "kept",
      exprs: raw,
      hops: centralHops(topology, servers.thanosEngineFrontend, servers.thanosEngine),
      crossRegionPorts: crossRegion,
    },
    {
      name: DISTRIBUTED_COLD,
      access: servers.distributedFrontend,
      connection: "kept",
      exprs: raw,
      hops: distributedHops(topology, servers.distributedFrontend, distributed.root, distributed.leaves),
      crossRegionPorts: [...distributed.leafPorts.values()],
    },
    {
      name: GLOBAL_COLD,
      access: frontend,
      connection: "kept",
      exprs: globalExprs,
      hops: centralHops(topology, frontend),
      crossRegionPorts: crossRegion,
    },
    {
      name: RAW_ONLY,
      access: frontend,
      connection: "kept",
      exprs: raw,
      hops: centralHops(topology, frontend),
      crossRegionPorts: crossRegion,
      maxSourceResolution: "0s",
      ranges: settings.downsampledRanges,
    },
    {
      name: FORCED_5M,
      access: frontend,
      connection: "kept",
      exprs: raw,
      hops: centralHops(topology, frontend),
      crossRegionPorts: crossRegion,
      maxSourceResolution: "5m",
      ranges: settings.downsampledRanges,
    },
    {
      name: NO_CACHING_BUCKET,
      access: servers.uncached.frontend,
      connection: "kept",
      exprs: raw,
      hops: centralHops(topology, servers.uncached.frontend, servers.uncached.query, servers.uncached.stores),
      // The sidecars through the gateways, its stores dialled directly.
      crossRegionPorts: [...crossRegion, ...servers.uncached.storeGrpcPorts],
    },
  ];
}

/** Every run of the scenarios and the warm reruns, found by scenario and range. */
interface Measured {
  readonly all: readonly Run[];
  readonly find: (scenario: string, range: string) => Run | undefined;
}

/** Each scenario at each range, cold; the central frontend's keys once more, warm. */
async function runScenarios(
  topology: Topology,
  scenarios: readonly ScenarioSpec[],
  settings: QueryPathSettings,
  end: number,
  log: Log,
): Promise<Measured> {
  const runs: Run[] = [];
  const warmRuns: Run[] = [];
  for (const range of settings.ranges) {
    for (const [i, spec] of scenarios.entries()) {
      if (spec.ranges && !spec.ranges.includes(range)) continue;
      const keys = scenarioKeys(spec.exprs, settings, range, i);
      runs.push(mergeHops(await measure(topology, spec, keys, end)));
      // The same keys again on the same frontend: answered from its results cache.
      if (spec.name === COLD_KEPT)
        warmRuns.push(mergeHops(await measure(topology, { ...spec, name: WARM }, keys, end)));
    }
    log(`query path: ${range} measured (load ${loadAverage().value})`);
  }
  const all = [...runs, ...warmRuns];
  return { all, find: (scenario, range) => all.find((r) => r.scenario === scenario && r.range === range) };
}

interface CacheRow {
  readonly cache: string;
  readonly range: string;
  readonly cold: Run;
  readonly warm: Run;
  readonly other: Run;
}

interface CacheComparison {
  readonly cacheRows: readonly CacheRow[];
  readonly hitsOnOtherReplica: number;
  readonly memcachedKeys: number;
}

/** The in-memory cache against memcached shared by two replicas, over every range. */
async function compareResultsCaches(
  topology: Topology,
  settings: QueryPathSettings,
  ports: PortAllocator,
  measured: Measured,
  scenarioCount: number,
  end: number,
): Promise<CacheComparison> {
  const secondInMemory = await startFrontend(
    topology,
    "thanos-query-frontend-in-memory-2",
    await ports.take(),
    inMemoryResponseCacheConfig(DEFAULTS.queryFrontend.responseCacheSize),
  );
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
  const crossRegion = gatewayStoreApiPorts(topology);
  const raw = DASHBOARD_RANGE_QUERIES;
  const cacheRows: CacheRow[] = [];
  let hitsOnOtherReplica = 0;
  let memcachedKeys = 0;
  for (const range of settings.ranges) {
    const base = { connection: "kept" as const, exprs: raw, hops: [], crossRegionPorts: crossRegion };
    // Scenario 2's keys (the central frontend, cold and kept): the second replica has never seen them.
    const inMemoryKeys = scenarioKeys(raw, settings, range, 2);
    const inMemoryCold = measured.find(COLD_KEPT, range) as Run;
    const inMemoryWarm = measured.find(WARM, range) as Run;
    const inMemoryOther = await measure(
      topology,
      { ...base, name: "other", access: secondInMemory },
      inMemoryKeys,
      end,
    );
    cacheRows.push({
      cache: "in-memory (per replica)",
      range,
      cold: inMemoryCold,
      warm: inMemoryWarm,
      other: inMemoryOther,
    });
    const keys = scenarioKeys(raw, settings, range, scenarioCount + 1);
    const mcCold = await measure(topology, { ...base, name: "cold", access: a }, keys, end);
    const mcWarm = await measure(topology, { ...base, name: "warm", access: a }, keys, end);
    const hitsBefore = await memcachedStat(memcachedPort, "get_hits");
    const mcOther = await measure(topology, { ...base, name: "other", access: b }, keys, end);
    hitsOnOtherReplica += (await memcachedStat(memcachedPort, "get_hits")) - hitsBefore;
    memcachedKeys += keys.length;
    cacheRows.push({ cache: "memcached (shared)", range, cold: mcCold, warm: mcWarm, other: mcOther });
  }
  return { cacheRows, hitsOnOtherReplica, memcachedKeys };
}

interface RecentWindow {
  readonly central: Run;
  readonly distributed: Run;
}

/**
 * Distributed mode scopes each leaf to the newest of its stores' oldest samples (promql-engine #191): the
 * sidecars' retention. Over that window, ending now, both modes hold the same data: bytes compared like for like.
 */
async function compareRecentWindow(
  topology: Topology,
  settings: QueryPathSettings,
  straight: ScenarioSpec,
  distributed: ExtraServers["distributed"],
): Promise<RecentWindow> {
  const recentSeconds = parseDuration(LOCAL_RETENTION) ?? 120;
  const recentKeys = (scenario: number) =>
    DASHBOARD_RANGE_QUERIES.flatMap((expr) =>
      Array.from({ length: settings.repetitions }, (_, i) => ({
        expr,
        range: `${LOCAL_RETENTION} ending now`,
        rangeSeconds: recentSeconds - 15,
        step: 1 + (scenario * settings.repetitions + i) / 1000,
      })),
    );
  const recentRun = async (spec: ScenarioSpec, scenario: number) => {
    const keys = recentKeys(scenario);
    return mergeHops(await measure(topology, spec, keys, Date.now() / 1000));
  };
  return {
    central: await recentRun({ ...straight, name: "Thanos Query straight, central" }, 20),
    distributed: await recentRun(
      {
        ...straight,
        name: "Thanos Query straight, distributed",
        access: distributed.root,
        hops: distributedHops(topology, undefined, distributed.root, distributed.leaves),
        crossRegionPorts: [...distributed.leafPorts.values()],
      },
      21,
    ),
  };
}

/** Everything the phase measured, for its checks and its report. */
interface Findings extends Prepared, Measured, CacheComparison {
  readonly regions: number;
  readonly firstTouch: readonly FirstTouch[];
  readonly scenarios: readonly ScenarioSpec[];
  readonly globalExprs: readonly string[];
  readonly recent: RecentWindow;
  readonly central: (range: string) => Run;
}

export async function queryPathLatency(
  topology: Topology,
  settings: QueryPathSettings,
  log: Log,
  startedAt: number,
): Promise<Section> {
  const ports = new PortAllocator(settings.basePort, settings.basePort + 99);
  log(
    `query path: ${settings.history.hours}h of history, ${DASHBOARD_RANGE_QUERIES.length} expressions x ${settings.ranges.join("/")} x ${settings.repetitions}`,
  );
  const prepared = await prepareHistory(topology, settings, log, startedAt);
  const firstTouch = await firstTouchTimings(topology, settings, prepared.end);
  const servers = await startExtraServers(topology, settings, ports);
  const globalExprs = globalDashboardQueries();
  const scenarios = scenarioSpecs(topology, settings, servers, globalExprs);
  const measured = await runScenarios(topology, scenarios, settings, prepared.end, log);
  const caches = await compareResultsCaches(topology, settings, ports, measured, scenarios.length, prepared.end);
  const recent = await compareRecentWindow(topology, settings, scenarios[0], servers.distributed);
  const findings: Findings = {
    ...prepared,
    ...measured,
    ...caches,
    regions: topology.plan.regions.length,
    firstTouch,
    scenarios,
    globalExprs,
    recent,
    central: (range) => measured.find(COLD_KEPT, range) as Run,
  };
  return {
    id: "queryPath",
    title: "The query path",
    method: reportMethod(settings, findings),
    tables: reportTables(settings, findings),
    figures: reportFigures(settings, findings),
    summary: reportSummary(settings, findings),
    checks: selfChecks(settings, findings),
  };
}

function selfChecks(settings: QueryPathSettings, findings: Findings): Check[] {
  const {
    history,
    downsampled,
    upAtStart,
    targets,
    regions,
    all,
    find,
    cacheRows,
    central,
    hitsOnOtherReplica,
    memcachedKeys,
  } = findings;
  const centralRuns = [
    ...all.filter((r) => !r.scenario.includes("global dashboards") && !r.scenario.includes("distributed")),
    ...cacheRows.flatMap((c) => [c.other, c.warm]),
  ];
  return [
    {
      what: "the history is in both buckets and Thanos Query answers from its first hour for every target",
      passed: history.blocksUploaded > 0 && upAtStart === targets,
      detail: `${history.blocksUploaded} blocks, ${upAtStart} of ${targets} targets at the history's first hour`,
    },
    {
      what: "the regions' compactors downsampled every raw block of 40 h or more to 5m before the queries ran",
      passed: downsampled.fiveMinuteBlocks >= downsampled.eligibleRawBlocks,
      detail: `${downsampled.fiveMinuteBlocks} blocks at 5m for ${downsampled.eligibleRawBlocks} raw blocks of 40 h or more`,
    },
    {
      what: "every dashboard query answers for both regions on the central path (Query, frontends, caches, raw only, 5m, without the caching bucket)",
      passed: centralRuns.every((r) => r.series.every((n) => n === regions)),
      detail: `series per answer: ${[...new Set(centralRuns.flatMap((r) => r.series))].join(", ")}`,
    },
    {
      what: "the gateways' byte counters see the central fan-out's answers cross regions",
      passed: settings.ranges.every((r) => central(r).bytesOutPerLoad > 0),
      detail: settings.ranges.map((r) => `${r}: ${central(r).bytesOutPerLoad} B`).join(", "),
    },
    {
      what: "a warm in-memory results cache answers faster than a cold one (p50, every range)",
      passed: settings.ranges.every((r) => (find(WARM, r) as Run).p50 < central(r).p50),
      detail: settings.ranges.map((r) => `${r}: ${(find(WARM, r) as Run).p50} vs ${central(r).p50} ms`).join(", "),
    },
    {
      what: "with memcached, the other frontend replica finds the first one's results (a cache hit for each query)",
      passed: hitsOnOtherReplica >= memcachedKeys,
      detail: `${hitsOnOtherReplica} memcached hits for ${memcachedKeys} queries`,
    },
  ];
}

/** The cold p99 through the frontend at the goal's ranges, and whether every one meets it. */
function coldGoal(settings: QueryPathSettings, findings: Findings) {
  const goal = settings.goalRanges
    .filter((r) => settings.ranges.includes(r))
    .map((range) => ({
      range,
      p99: findings.central(range).p99,
      aloneP99: (findings.find(PATH_ALONE, range) as Run).p99,
    }));
  return { goal, goalMet: goal.every((g) => g.p99 <= settings.goalMs) };
}

const distributedSeriesOf = (settings: QueryPathSettings, findings: Findings) => [
  ...new Set(settings.ranges.flatMap((r) => (findings.find(DISTRIBUTED_COLD, r) as Run).series)),
];

/** The roles the summary names: the hop that costs most CPU, the store gateways, and what the machine spent. */
const CPU_SUMMARY_ROLES = [QUERIES_ROLE, STORE_GATEWAYS_ROLE, WHOLE_MACHINE];

const kib = (bytes: number) => figure(round(bytes / 1024, 1), "KiB");

function reportMethod(settings: QueryPathSettings, { history, globalExprs }: Findings): string {
  return (
    `History: ${settings.history.hours} h of each region's synthetic fleet (${history.seriesPerRegion} series per region: ` +
    `the service's request counters and latency histogram and \`up\`, as the live targets serve them) at a ${settings.history.intervalSeconds} s interval, written by ` +
    `the pinned promtool (\`tsdb create-blocks-from openmetrics\`, blocks of at most 54 h) and uploaded for each of the region's ` +
    `${history.replicasPerRegion} Prometheus pods with its external labels by \`thanos tools bucket upload-blocks\`, ending a minute before the ` +
    `topology started; the live heads and the sidecars' uploads carry on from there. ` +
    `Queries: ${DASHBOARD_RANGE_QUERIES.length} range queries like the default dashboards' panels over the raw series (sums by region of rates, an error ratio, ` +
    `p50 and p99 latency quantiles, targets up) at each range, about ${settings.pointsPerRange} points, each ${settings.repetitions} times with a step of its own ` +
    `(a key's first run misses every results cache), one at a time, ending ${END_AGO_SECONDS} s ago (past the frontend's uncached newest minute). ` +
    `The central path is the topology's: the Query Frontend (HTTPS, basic auth, split by ${DEFAULTS.queryFrontend.splitInterval}, in-memory results cache) in front of ` +
    `Thanos Query, which fans out to every region's sidecars and store gateways through the region gateway (HAProxy, TLS passthrough). ` +
    `Distributed mode: a leaf Querier per region (the same builder, its own StoreAPI with the region's mutual TLS) over the region's ` +
    `StoreAPIs, and a root Querier (\`--query.mode=distributed\`, the Thanos engine, partition label \`region\`) over the leaves, behind a frontend of its own; ` +
    `the leaves are dialled directly (the gateway has no route to them), so its latency lacks the gateway's loopback hop. ` +
    `Downsampling: the regions' own compactors compact and downsample the uploaded history as any sidecar's upload (a raw block to 5m once it spans 40 h, ` +
    `a 5m block to 1h once it spans 10 days, which a week of history never does); the phase waits until every raw block of 40 h or more has its 5m twin ` +
    `and the store gateways synced twice more. At ${settings.downsampledRanges.join(" and ")} the central frontend is asked again with ` +
    `\`max_source_resolution=0s\` (raw data only, as before the history was downsampled) and \`5m\` (5m data wherever it exists) beside Thanos' automatic ` +
    `choice (step / 5, the default every other row uses). ` +
    `Caching bucket: the topology's store gateways cache chunks and block metadata in memory (\`--store.caching-bucket.config\`, the clusters' default); ` +
    `"without the caching bucket" is a store gateway per region from the same builder with the cache left out, a Query over it and the regions' sidecars, ` +
    `and a frontend in front (its stores dialled directly, the gateway having no route to them). ` +
    `Vertical sharding: a frontend with \`--query-frontend.vertical-shards=${settings.verticalShards}\` in front of the central Query. ` +
    `Per hop: each process's own histogram read before and after each run (frontend and Query: \`http_request_duration_seconds\`; ` +
    `Query's calls to the StoreAPIs: \`grpc_client_handling_seconds{grpc_method="Series"}\`, which include the gateway and TLS; sidecars and ` +
    `store gateways: \`grpc_server_handling_seconds{grpc_method="Series"}\`); a cell reads "time per dashboard query (calls per query x mean per call)", ` +
    `and the calls of one query run in parallel, so the hops do not add up. ` +
    `Cross-region bytes: the kernel's counters (\`ss -ti\`) of every connection on the gateways' StoreAPI ports (central) or the leaves' ` +
    `gRPC ports (distributed), per dashboard load (the ${DASHBOARD_RANGE_QUERIES.length} panels once); HAProxy 2.6 counts a TCP tunnel's bytes only when it closes, ` +
    `so its own exporter reads 0 here. Global dashboards: the ${globalExprs.length} panels of the global dashboards, which read the federated ` +
    `\`global:*\` recording rules, through the same frontend (the federation keeps minutes of them here; the point is what crosses regions). ` +
    `The path alone: the same frontend with every process a cold query does not read from paused (SIGSTOP) for the run and resumed after ` +
    `(the scrape targets, the Alertmanager mesh, the other scenarios' Queries and frontends; the Prometheus servers stay, a sidecar reading ` +
    `its Prometheus' head for the range's newest minutes, and so does every bucket client). ` +
    `CPU per query: every process group's user and system time from /proc, read before and after each run, by role, and the machine's ` +
    `busy time from /proc/stat (all cores; 1,000 ms of CPU per query is one core's whole second). ` +
    `The store gateways' caches and the page cache are warm after the first run: "cold" is the results cache. ` +
    `The machine is shared with other work: the load average is beside every figure.`
  );
}

function reportTables(settings: QueryPathSettings, findings: Findings): Section["tables"] {
  const { regions, history, downsampled, firstTouch, scenarios, all, find, recent, cacheRows } = findings;
  const hopNames = [...new Set(all.flatMap((r) => r.hops.map((h) => h.hop)))];
  const cpuRoleNames = [...new Set(all.flatMap((r) => r.cpu.map((c) => c.role)))];
  // Every run by range, each range's in the scenarios' order and the warm rerun last.
  const ordered = settings.ranges.flatMap((range) =>
    [...scenarios.map((s) => s.name), WARM].map((name) => find(name, range)).filter((r): r is Run => r !== undefined),
  );
  const hopCell = (r: Run, hop: string) => {
    const h = r.hops.find((x) => x.hop === hop);
    return h ? `${h.msPerQuery} ms (${h.callsPerQuery} x ${perCall(h)} ms)` : "";
  };
  return [
    {
      title: "History in the buckets",
      columns: [
        "regions",
        "series per region",
        "samples per replica",
        "raw blocks per replica",
        "blocks uploaded",
        "bytes uploaded",
        "from",
        "to",
        "written and uploaded in",
        "raw blocks of 40 h or more",
        "blocks at 5m",
        "blocks at 1h",
        "downsampled and synced in",
      ],
      rows: [
        [
          figure(regions, "regions"),
          figure(history.seriesPerRegion, "series"),
          figure(history.samplesPerReplica, "samples"),
          figure(history.blocksPerReplica, "blocks"),
          figure(history.blocksUploaded, "blocks"),
          figure(round(history.bytesUploaded / 2 ** 20, 1), "MiB"),
          new Date(history.start * 1000).toISOString(),
          new Date(history.end * 1000).toISOString(),
          figure(round(history.seconds, 1), "s"),
          figure(downsampled.eligibleRawBlocks, "blocks"),
          figure(downsampled.fiveMinuteBlocks, "blocks"),
          figure(downsampled.oneHourBlocks, "blocks"),
          figure(round(downsampled.seconds, 1), "s"),
        ],
      ],
    },
    {
      title:
        "The first query of each range after the blocks appeared (Thanos Query straight; index headers load lazily)",
      columns: ["range", "latency"],
      rows: firstTouch.map((f) => [f.range, figure(f.ms, "ms")]),
    },
    {
      title: "Latency, hops and cross-region bytes per range",
      columns: [
        "path",
        "range",
        "queries",
        "p50",
        "p99",
        ...hopNames,
        "bytes out of the regions per dashboard load",
        "bytes into them",
        "load average",
      ],
      rows: ordered.map((r) => [
        r.scenario,
        r.range,
        figure(r.n, "queries"),
        figure(r.p50, "ms"),
        figure(r.p99, "ms"),
        ...hopNames.map((h) => hopCell(r, h)),
        kib(r.bytesOutPerLoad),
        kib(r.bytesInPerLoad),
        r.load,
      ]),
    },
    {
      title:
        "CPU per query by role (ms of CPU time per client query, from /proc: every process of a role, then the machine's whole)",
      columns: ["path", "range", ...cpuRoleNames, "load average"],
      rows: ordered.map((r) => [
        r.scenario,
        r.range,
        ...cpuRoleNames.map((role) => figure(r.cpu.find((c) => c.role === role)?.msPerQuery ?? 0, "ms")),
        r.load,
      ]),
    },
    {
      title: `Central fan-out against distributed mode over the window both answer (the last ${LOCAL_RETENTION}, ending now; Thanos Query straight)`,
      columns: [
        "mode",
        "queries",
        "series per answer",
        "p50",
        "p99",
        "bytes out of the regions per dashboard load",
        "bytes into them",
        "load average",
      ],
      rows: [recent.central, recent.distributed].map((r) => [
        r.scenario,
        figure(r.n, "queries"),
        [...new Set(r.series)].join(", "),
        figure(r.p50, "ms"),
        figure(r.p99, "ms"),
        kib(r.bytesOutPerLoad),
        kib(r.bytesInPerLoad),
        r.load,
      ]),
    },
    {
      title: "Results caches: cold, warm on the same replica, after a change of replica (p50 / p99)",
      columns: ["cache", "range", "cold", "warm (same replica)", "after a change of replica"],
      rows: cacheRows.map((c) => [
        c.cache,
        c.range,
        `${c.cold.p50} / ${c.cold.p99} ms`,
        `${c.warm.p50} / ${c.warm.p99} ms`,
        `${c.other.p50} / ${c.other.p99} ms`,
      ]),
    },
  ];
}

function reportFigures(settings: QueryPathSettings, findings: Findings): Section["figures"] {
  const { globalExprs, history, downsampled, firstTouch, all, cacheRows, hitsOnOtherReplica, recent } = findings;
  const { goal, goalMet } = coldGoal(settings, findings);
  const distributedSeries = distributedSeriesOf(settings, findings);
  return {
    expressions: DASHBOARD_RANGE_QUERIES,
    globalExpressions: globalExprs,
    ranges: settings.ranges,
    history: {
      hours: figure(settings.history.hours, "h"),
      interval: figure(settings.history.intervalSeconds, "s"),
      seriesPerRegion: figure(history.seriesPerRegion, "series"),
      samplesPerReplica: figure(history.samplesPerReplica, "samples"),
      blocksUploaded: figure(history.blocksUploaded, "blocks"),
      bytesUploaded: figure(history.bytesUploaded, "B"),
      rawBlocksOf40HoursOrMore: figure(downsampled.eligibleRawBlocks, "blocks"),
      fiveMinuteBlocks: figure(downsampled.fiveMinuteBlocks, "blocks"),
      oneHourBlocks: figure(downsampled.oneHourBlocks, "blocks"),
      downsampledAndSyncedIn: figure(round(downsampled.seconds, 1), "s"),
    },
    firstTouch: firstTouch.map((f) => ({ range: f.range, latency: figure(f.ms, "ms") })),
    runs: all.map((r) => ({
      path: r.scenario,
      range: r.range,
      queries: figure(r.n, "queries"),
      p50: figure(r.p50, "ms"),
      p99: figure(r.p99, "ms"),
      hops: r.hops.map((h) => ({
        hop: h.hop,
        perQuery: figure(h.msPerQuery, "ms"),
        callsPerQuery: figure(h.callsPerQuery, "calls"),
      })),
      bytesOutPerDashboardLoad: figure(r.bytesOutPerLoad, "B"),
      bytesInPerDashboardLoad: figure(r.bytesInPerLoad, "B"),
      loadAverage: r.load,
      cpuPerQuery: r.cpu.map((c) => ({ role: c.role, cpu: figure(c.msPerQuery, "ms") })),
    })),
    caches: cacheRows.map((c) => ({
      cache: c.cache,
      range: c.range,
      cold: { p50: figure(c.cold.p50, "ms"), p99: figure(c.cold.p99, "ms") },
      warm: { p50: figure(c.warm.p50, "ms"), p99: figure(c.warm.p99, "ms") },
      afterReplicaChange: { p50: figure(c.other.p50, "ms"), p99: figure(c.other.p99, "ms") },
    })),
    goal: {
      p99: figure(settings.goalMs, "ms"),
      ranges: goal.map((g) => ({ range: g.range, p99: figure(g.p99, "ms"), aloneP99: figure(g.aloneP99, "ms") })),
      met: figure(goalMet, "boolean"),
    },
    memcachedHitsOnOtherReplica: figure(hitsOnOtherReplica, "hits"),
    distributedSeriesPerAnswer: distributedSeries,
    recentWindow: [recent.central, recent.distributed].map((r) => ({
      mode: r.scenario,
      p50: figure(r.p50, "ms"),
      p99: figure(r.p99, "ms"),
      bytesOutPerDashboardLoad: figure(r.bytesOutPerLoad, "B"),
      bytesInPerDashboardLoad: figure(r.bytesInPerLoad, "B"),
    })),
  };
}

function reportSummary(settings: QueryPathSettings, findings: Findings): Section["summary"] {
  const { history, downsampled, regions, find, central, recent, cacheRows } = findings;
  const { goal, goalMet } = coldGoal(settings, findings);
  const distributedSeries = distributedSeriesOf(settings, findings);
  const summaryLine = (scenario: string, ranges = settings.ranges) =>
    ranges
      .map((range) => {
        const r = find(scenario, range);
        return r ? `${range} ${r.p50} / ${r.p99} ms` : "";
      })
      .join(", ");
  return [
    {
      measure: "Query path: history in the buckets",
      result: `${settings.history.hours} h x ${history.seriesPerRegion} series per region (${history.samplesPerReplica} samples per replica, ${history.blocksUploaded} blocks uploaded) plus live heads; the compactors' ${downsampled.fiveMinuteBlocks} blocks at 5m and ${downsampled.oneHourBlocks} at 1h`,
    },
    {
      measure: `Query path, p50 / p99 by range: frontend cold (connection kept, as Grafana)`,
      result: summaryLine(COLD_KEPT),
    },
    {
      measure: `Cold p99 goal (≤ ${settings.goalMs} ms through the frontend, ${goal.map((g) => g.range).join("–")})`,
      result: `${goalMet ? "met" : "not met"}: ${goal.map((g) => `${g.range} ${g.p99} ms`).join(", ")}; with the processes it does not read from paused: ${goal.map((g) => `${g.range} ${g.aloneP99} ms`).join(", ")}`,
    },
    {
      measure:
        "Query path, p50 / p99: the same path with the processes it does not read from paused (targets, Alertmanagers, other scenarios' servers)",
      result: summaryLine(PATH_ALONE),
    },
    {
      measure: `CPU per cold dashboard query (frontend, connection kept): ${CPU_SUMMARY_ROLES.join(" / ")}`,
      result: settings.ranges
        .map((range) => {
          const cpu = central(range).cpu;
          return `${range} ${CPU_SUMMARY_ROLES.map((role) => cpu.find((c) => c.role === role)?.msPerQuery ?? 0).join(" / ")} ms`;
        })
        .join(", "),
    },
    {
      measure: "Query path, p50 / p99: store gateways without the caching bucket (before; frontend cold)",
      result: summaryLine(NO_CACHING_BUCKET),
    },
    {
      measure:
        "Query path, p50 / p99 at the downsampled ranges: raw data only (before) / Thanos' choice (step / 5) / 5m forced",
      result: settings.downsampledRanges
        .map((r) => [RAW_ONLY, COLD_KEPT, FORCED_5M].map((scenario) => summaryLine(scenario, [r])).join(" / "))
        .join("; "),
    },
    {
      measure: "Query path, p50 / p99: frontend cold, a new TLS connection per query (the old client)",
      result: summaryLine("frontend cold, a new connection per query"),
    },
    { measure: "Query path, p50 / p99: Thanos Query straight", result: summaryLine("Thanos Query straight") },
    {
      measure: "Query path, p50 / p99: distributed mode (frontend, leaf Querier per region)",
      result: summaryLine(DISTRIBUTED_COLD),
    },
    {
      measure: "Query path, p50 / p99: Query on the Thanos PromQL engine (frontend, cold)",
      result: summaryLine("frontend cold, Query on the Thanos PromQL engine"),
    },
    {
      measure: `Query path, p50 / p99: vertical sharding x${settings.verticalShards}`,
      result: summaryLine(`frontend cold, vertical sharding x${settings.verticalShards}`),
    },
    {
      measure: "Cross-region bytes per dashboard load through the region gateways, central fan-out",
      result: settings.ranges.map((r) => `${r} ${round(central(r).bytesOutPerLoad / 1024, 1)} KiB`).join(", "),
    },
    {
      measure: `Distributed mode: series per answer over the dashboard ranges (${regions} expected); over the last ${LOCAL_RETENTION} central vs distributed, bytes per dashboard load and p50`,
      result: `${distributedSeries.join(", ")}; ${round(recent.central.bytesOutPerLoad / 1024, 1)} vs ${round(recent.distributed.bytesOutPerLoad / 1024, 1)} KiB, ${recent.central.p50} vs ${recent.distributed.p50} ms`,
    },
    {
      measure: "Cross-region bytes per load of the global dashboards (federated recording rules)",
      result: settings.ranges
        .map((r) => `${r} ${round((find(GLOBAL_COLD, r) as Run).bytesOutPerLoad / 1024, 1)} KiB`)
        .join(", "),
    },
    {
      measure: "Results caches, p50 cold / warm / after a change of replica",
      result: cacheRows
        .map((c) => `${c.cache} ${c.range}: ${c.cold.p50} / ${c.warm.p50} / ${c.other.p50} ms`)
        .join("; "),
    },
  ];
}
