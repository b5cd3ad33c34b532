import * as path from "node:path";
import type { Cloud } from "../config/clouds";
import type { GlobalStackConfig, RegionalStackConfig, StaticScrapeJob } from "../config/types";
import { RULER, alertmanagerPodName, receivePodName, rulerName, rulerQueryName } from "../builders/global/layout";
import { gatewayRoutes } from "../builders/gateway/routes";
import { ANNOTATED_PODS_JOB } from "../builders/prometheus/scrape-jobs";
import { GATEWAY } from "../builders/regional/gateway";
import { NAMES } from "../builders/regional/layout";
import { type RegionalPlan, STACK_JOBS, regionalPlan } from "../builders/regional/plan";
import { PortAllocator, address } from "./ports";
import { LOCAL_OBJECT_STORES } from "./object-stores";
import { FLEET_JOB, LOCAL_REGIONS, LOCAL_TIMING, type LocalOptions } from "./settings";
import { localGlobalConfig, localRegionalConfig } from "./stacks";

/** A Thanos process listening on a gRPC (StoreAPI) and an HTTP port. */
export interface LocalThanos {
  readonly name: string;
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly dir: string;
}

/** One pod of a region's shards: a process here, Prometheus or an agent. */
export interface LocalShardPod {
  /** Process name, unique in the topology. */
  readonly name: string;
  /** The pod name in the clusters, which is also the replica label's value. */
  readonly podName: string;
  readonly shard: number;
  readonly replica: number;
  readonly port: number;
  readonly dir: string;
}

/** One regional Prometheus: a pod in the clusters, a process here, with its Thanos sidecar. */
export interface LocalPrometheus extends LocalShardPod {
  readonly sidecar: LocalThanos;
}

/**
 * The region gateway: its replicas share the federation and StoreAPI ports (HAProxy binds with SO_REUSEPORT,
 * so the kernel spreads connections over the live ones, as the load balancer does in a cloud), each with its
 * own metrics port. The StoreAPI listens on one port per route: they stand in for the global cluster's names
 * that each lead to the one load-balancer port (Thanos Query needs an address per StoreAPI).
 */
export interface LocalGateway {
  readonly replicas: readonly { readonly name: string; readonly metricsPort: number; readonly dir: string }[];
  readonly federationPort: number;
  /** By StoreAPI route name (builders/gateway/routes.ts). */
  readonly storeApiPorts: Readonly<Record<string, number>>;
}

/** The region's bucket on its cloud's emulator. */
export interface LocalBucket {
  readonly name: string;
  readonly emulator: LocalEmulator;
}

/** What a region runs whichever its ingestion mode: its stack config and plan, its exporters and fleet. */
export interface LocalRegionBase {
  readonly name: string;
  readonly config: RegionalStackConfig;
  readonly plan: RegionalPlan;
  /** What Kubernetes discovery would find in a cluster (node-exporter, store gateways, compactor), as static jobs. */
  readonly discoveredStandIns: readonly StaticScrapeJob[];
  readonly nodeExporter: { readonly name: string; readonly port: number };
  readonly fleet: { readonly name: string; readonly controlPort: number; readonly targetPorts: readonly number[] };
  readonly dir: string;
}

/** A region in sidecar mode: the global tier dials its gateway (federation, StoreAPIs). */
export interface LocalRegion extends LocalRegionBase {
  readonly prometheus: readonly LocalPrometheus[];
  readonly bucket: LocalBucket;
  /** The store gateway pair on the region's bucket. */
  readonly stores: readonly LocalThanos[];
  /** The one compactor of the region's bucket (HTTP only). */
  readonly compactor: { readonly name: string; readonly httpPort: number; readonly dir: string };
  readonly gateway: LocalGateway;
}

/** One Prometheus in agent mode: a pod of a remote-write region, a process here, with no sidecar. */
export type LocalAgent = LocalShardPod;

/** A Thanos Ruler of a remote-write region, and its value of the region's replica label. */
export interface LocalRuler extends LocalThanos {
  readonly replica: string;
}

/**
 * A region in remote-write mode: its agents write to the global tier's Thanos Receive, and its rules are
 * evaluated in the global tier by a Ruler pair over a Query scoped to its tenant (both global processes here).
 */
export interface LocalWritingRegion extends LocalRegionBase {
  readonly agents: readonly LocalAgent[];
  readonly rulerQuery: LocalThanos;
  readonly rulers: readonly LocalRuler[];
}

/** One Thanos Receive: StoreAPI and HTTP, its remote-write (HTTPS) and Cap'n Proto replication ports. */
export interface LocalReceive extends LocalThanos {
  readonly remoteWritePort: number;
  readonly capnprotoPort: number;
}

/**
 * The global tier's ingestion: the Receive hashring on a bucket of its own, behind one remote-write endpoint
 * (the ingress, passing TLS through to a live Receive) that every writing region's agents are given.
 */
export interface LocalIngestion {
  readonly receives: readonly LocalReceive[];
  readonly ingressPort: number;
  readonly bucket: LocalBucket;
  readonly dir: string;
}

export interface LocalFederation {
  readonly name: string;
  readonly replica: string;
  readonly port: number;
  readonly dir: string;
  readonly sidecar: LocalThanos;
}

/** An object-store emulator: one per cloud the local regions run on. */
export interface LocalEmulator {
  readonly cloud: Cloud;
  readonly name: string;
  readonly port: number;
  readonly dir: string;
}

export interface LocalAlertmanager {
  readonly name: string;
  readonly webPort: number;
  readonly clusterPort: number;
  readonly dir: string;
}

export interface LocalGlobal {
  readonly config: GlobalStackConfig;
  readonly federation: readonly LocalFederation[];
  readonly alertmanagers: readonly LocalAlertmanager[];
  readonly webhookPort: number;
  readonly query: LocalThanos;
  readonly frontend: { readonly name: string; readonly httpPort: number; readonly dir: string };
  /** Receive and its ingress, when a region writes out. */
  readonly ingestion: LocalIngestion | undefined;
  readonly dir: string;
}

export interface LocalPlan {
  readonly root: string;
  /** The regions in sidecar mode, which the global tier dials. */
  readonly regions: readonly LocalRegion[];
  /** The regions in remote-write mode, which write out to Receive. */
  readonly writingRegions: readonly LocalWritingRegion[];
  readonly global: LocalGlobal;
  readonly emulators: readonly LocalEmulator[];
  /** The runner's own endpoint that hands the GCS client its OAuth tokens. */
  readonly tokenPort: number;
  /** The regional Prometheus' block duration (LocalOptions.blockDuration or LOCAL_TIMING's). */
  readonly blockDuration: string;
  /** The Alertmanager peers' peer timeout (LocalOptions.peerTimeout or LOCAL_TIMING's). */
  readonly peerTimeout: string;
}

export { address };

/** Every region whichever its mode: what runs exporters and a fleet, alerts and reaches the federation. */
export function everyRegion(plan: LocalPlan): readonly LocalRegionBase[] {
  return [...plan.regions, ...plan.writingRegions];
}

async function takeMany(ports: PortAllocator, count: number): Promise<number[]> {
  const taken: number[] = [];
  for (let i = 0; i < count; i++) taken.push(await ports.take());
  return taken;
}

async function thanos(name: string, dir: string, ports: PortAllocator): Promise<LocalThanos> {
  return { name, grpcPort: await ports.take(), httpPort: await ports.take(), dir };
}

const standIn = (job: string, targets: readonly string[]): StaticScrapeJob => ({
  job,
  targets,
  metricsPath: "/metrics",
  scheme: "http",
});

/** A region's config, plan, exporters and fleet; `receiveEndpoint` makes it write out. */
async function planRegionBase(
  name: string,
  root: string,
  options: LocalOptions,
  ports: PortAllocator,
  receiveEndpoint?: string,
): Promise<Omit<LocalRegionBase, "discoveredStandIns">> {
  const nodeExporterPort = await ports.take();
  const controlPort = await ports.take();
  const targetPorts = await takeMany(ports, options.targetsPerRegion);
  // The targets a cluster discovers through Kubernetes are static here; the fleet's are split by hashmod
  // like any unpinned job, node-exporter is one target.
  const config = localRegionalConfig(
    name,
    options.shards,
    [{ job: FLEET_JOB, targets: targetPorts.map(address), metricsPath: "/metrics", scheme: "http" }],
    options.regionalInterval,
    [],
    receiveEndpoint,
  );
  return {
    name,
    config,
    plan: regionalPlan(config),
    nodeExporter: { name: `${name}-${NAMES.nodeExporter}`, port: nodeExporterPort },
    fleet: { name: `${name}-fleet`, controlPort, targetPorts },
    dir: path.join(root, name),
  };
}

async function planRegion(
  name: string,
  root: string,
  options: LocalOptions,
  ports: PortAllocator,
  emulatorOf: (cloud: Cloud) => Promise<LocalEmulator>,
): Promise<LocalRegion> {
  const base = await planRegionBase(name, root, options, ports);
  const { config, plan, dir } = base;
  const prometheus: LocalPrometheus[] = [];
  for (const pod of plan.pods) {
    const podDir = path.join(dir, pod.podName);
    prometheus.push({
      ...pod,
      name: `${name}-${pod.podName}`,
      port: await ports.take(),
      dir: podDir,
      sidecar: await thanos(`${name}-${pod.podName}-sidecar`, path.join(podDir, "sidecar"), ports),
    });
  }
  const stores: LocalThanos[] = [];
  for (let i = 0; i < config.storeGatewayReplicas; i++) {
    const storeName = `${name}-${NAMES.storeGateway}-${i}`;
    stores.push(await thanos(storeName, path.join(dir, storeName), ports));
  }
  const compactorName = `${name}-${NAMES.compactor}`;
  const compactorPort = await ports.take();
  const gateway = await planGateway(name, dir, plan, ports);
  return {
    ...base,
    prometheus,
    bucket: { name: `${config.namePrefix}-thanos-local`, emulator: await emulatorOf(config.cloud) },
    stores,
    compactor: { name: compactorName, httpPort: compactorPort, dir: path.join(dir, compactorName) },
    discoveredStandIns: [
      standIn(NAMES.nodeExporter, [address(base.nodeExporter.port)]),
      standIn(
        STACK_JOBS.storeGateway,
        stores.map((s) => address(s.httpPort)),
      ),
      standIn(STACK_JOBS.compactor, [address(compactorPort)]),
      // The annotated-pods job finds the gateway's pods by their prometheus.io annotations in a cluster.
      standIn(
        ANNOTATED_PODS_JOB,
        gateway.replicas.map((g) => address(g.metricsPort)),
      ),
    ],
    gateway,
  };
}

/**
 * A remote-write region: its agents (writing to `receiveEndpoint`), and the global tier's tenant Query and
 * Ruler pair that evaluate its rules. Only node-exporter stands in for discovery: it runs no Thanos.
 */
async function planWritingRegion(
  name: string,
  root: string,
  globalDir: string,
  options: LocalOptions,
  ports: PortAllocator,
  receiveEndpoint: string,
): Promise<LocalWritingRegion> {
  const base = await planRegionBase(name, root, options, ports, receiveEndpoint);
  const agents: LocalAgent[] = [];
  for (const pod of base.plan.pods)
    agents.push({
      ...pod,
      name: `${name}-${pod.podName}`,
      port: await ports.take(),
      dir: path.join(base.dir, pod.podName),
    });
  const queryName = rulerQueryName(name);
  const rulers: LocalRuler[] = [];
  for (let i = 0; i < RULER.replicas; i++) {
    const rulerPod = `${rulerName(name)}-${i}`;
    rulers.push({ ...(await thanos(rulerPod, path.join(globalDir, rulerPod), ports)), replica: rulerPod });
  }
  return {
    ...base,
    discoveredStandIns: [standIn(NAMES.nodeExporter, [address(base.nodeExporter.port)])],
    agents,
    rulerQuery: await thanos(queryName, path.join(globalDir, queryName), ports),
    rulers,
  };
}

/** Receive's hashring, each with its own ports, on a bucket of its own, behind one ingress port. */
async function planIngestion(
  config: GlobalStackConfig,
  globalDir: string,
  ports: PortAllocator,
  emulatorOf: (cloud: Cloud) => Promise<LocalEmulator>,
): Promise<LocalIngestion> {
  const receives: LocalReceive[] = [];
  for (let i = 0; i < config.receive.replicas; i++) {
    const name = receivePodName(i);
    receives.push({
      ...(await thanos(name, path.join(globalDir, name), ports)),
      remoteWritePort: await ports.take(),
      capnprotoPort: await ports.take(),
    });
  }
  return {
    receives,
    ingressPort: await ports.take(),
    bucket: { name: `${config.namePrefix}-receive-local`, emulator: await emulatorOf(config.cloud) },
    dir: path.join(globalDir, "receive"),
  };
}

async function planGateway(
  region: string,
  dir: string,
  plan: RegionalPlan,
  ports: PortAllocator,
): Promise<LocalGateway> {
  const replicas = [];
  for (let i = 0; i < GATEWAY.replicas; i++) {
    const name = `${region}-${GATEWAY.name}-${i}`;
    replicas.push({ name, metricsPort: await ports.take(), dir: path.join(dir, name) });
  }
  const storeApiPorts: Record<string, number> = {};
  for (const route of gatewayRoutes(plan.pods, plan.tlsServerName).storeApi)
    storeApiPorts[route.name] = await ports.take();
  return { replicas, federationPort: await ports.take(), storeApiPorts };
}

/** Every port, directory and stack config of one local run, before any file or process exists. */
export async function planTopology(root: string, options: LocalOptions): Promise<LocalPlan> {
  const names = options.regions ?? LOCAL_REGIONS;
  const unknown = names.filter((name) => !(LOCAL_REGIONS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(`regions must be some of ${LOCAL_REGIONS.join(", ")}, got '${names.join(", ")}'`);
  }
  const writing = options.remoteWriteRegions ?? [];
  const strangers = writing.filter((name) => !(LOCAL_REGIONS as readonly string[]).includes(name));
  if (strangers.length > 0)
    throw new Error(`remote-write regions must be some of ${LOCAL_REGIONS.join(", ")}, got '${strangers.join(", ")}'`);
  // Room for every region's fleet beyond the servers' own ports.
  const ports = new PortAllocator(options.basePort, options.basePort + 2000 + names.length * options.targetsPerRegion);
  const webhookPort = await ports.take();
  const config = localGlobalConfig(webhookPort, names);
  const globalDir = path.join(root, "global");
  const federation: LocalFederation[] = [];
  for (let i = 0; i < config.federationReplicas; i++) {
    const name = `federation-prometheus-${i}`;
    const dir = path.join(globalDir, name);
    federation.push({
      name,
      replica: name,
      port: await ports.take(),
      dir,
      sidecar: await thanos(`${name}-sidecar`, path.join(dir, "sidecar"), ports),
    });
  }
  const alertmanagers: LocalAlertmanager[] = [];
  for (let i = 0; i < config.alerting.replicas; i++) {
    const name = alertmanagerPodName(i);
    alertmanagers.push({
      name,
      webPort: await ports.take(),
      clusterPort: await ports.take(),
      dir: path.join(globalDir, name),
    });
  }
  const query = await thanos("thanos-query", path.join(globalDir, "thanos-query"), ports);
  const frontend = {
    name: "thanos-query-frontend",
    httpPort: await ports.take(),
    dir: path.join(globalDir, "thanos-query-frontend"),
  };
  const tokenPort = await ports.take();
  const emulators = new Map<Cloud, LocalEmulator>();
  const emulatorOf = async (cloud: Cloud) => {
    const known = emulators.get(cloud);
    if (known) return known;
    const name = LOCAL_OBJECT_STORES[cloud].emulatorName;
    const emulator: LocalEmulator = { cloud, name, port: await ports.take(), dir: path.join(root, name) };
    emulators.set(cloud, emulator);
    return emulator;
  };
  // Only the regions run write out: a test may run one region of the default mix.
  const writingNames = names.filter((name) => writing.includes(name));
  const ingestion = writingNames.length > 0 ? await planIngestion(config, globalDir, ports, emulatorOf) : undefined;
  const regions: LocalRegion[] = [];
  const writingRegions: LocalWritingRegion[] = [];
  for (const name of names) {
    if (ingestion && writingNames.includes(name))
      writingRegions.push(
        await planWritingRegion(name, root, globalDir, options, ports, address(ingestion.ingressPort)),
      );
    else regions.push(await planRegion(name, root, options, ports, emulatorOf));
  }
  const missing = config.regions
    .map((r) => r.name)
    .filter((r) => ![...regions, ...writingRegions].some((region) => region.name === r));
  if (missing.length > 0)
    throw new Error(`Pulumi.global.yaml lists region(s) ${missing.join(", ")} that the local topology does not run`);
  return {
    root,
    regions,
    writingRegions,
    global: { config, federation, alertmanagers, webhookPort, query, frontend, ingestion, dir: globalDir },
    emulators: [...emulators.values()],
    tokenPort,
    blockDuration: options.blockDuration ?? LOCAL_TIMING.blockDuration,
    peerTimeout: options.peerTimeout ?? LOCAL_TIMING.peerTimeout,
  };
}
