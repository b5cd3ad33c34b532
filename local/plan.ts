import * as path from "node:path";
import type { Cloud } from "../config/clouds";
import type { GlobalStackConfig, RegionalStackConfig, StaticScrapeJob } from "../config/types";
import { alertmanagerPodName } from "../builders/global/layout";
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

/** One regional Prometheus: a pod in the clusters, a process here, with its Thanos sidecar. */
export interface LocalPrometheus {
  /** Process name, unique in the topology. */
  readonly name: string;
  /** The pod name in the clusters, which is also the replica label's value. */
  readonly podName: string;
  readonly shard: number;
  readonly replica: number;
  readonly port: number;
  readonly dir: string;
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

export interface LocalRegion {
  readonly name: string;
  readonly config: RegionalStackConfig;
  readonly plan: RegionalPlan;
  /** What Kubernetes discovery would find in a cluster (node-exporter, store gateways, compactor), as static jobs. */
  readonly discoveredStandIns: readonly StaticScrapeJob[];
  readonly prometheus: readonly LocalPrometheus[];
  readonly nodeExporter: { readonly name: string; readonly port: number };
  readonly fleet: { readonly name: string; readonly controlPort: number; readonly targetPorts: readonly number[] };
  readonly bucket: LocalBucket;
  /** The store gateway pair on the region's bucket. */
  readonly stores: readonly LocalThanos[];
  /** The one compactor of the region's bucket (HTTP only). */
  readonly compactor: { readonly name: string; readonly httpPort: number; readonly dir: string };
  readonly gateway: LocalGateway;
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
  readonly dir: string;
}

export interface LocalPlan {
  readonly root: string;
  readonly regions: readonly LocalRegion[];
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

async function takeMany(ports: PortAllocator, count: number): Promise<number[]> {
  const taken: number[] = [];
  for (let i = 0; i < count; i++) taken.push(await ports.take());
  return taken;
}

async function thanos(name: string, dir: string, ports: PortAllocator): Promise<LocalThanos> {
  return { name, grpcPort: await ports.take(), httpPort: await ports.take(), dir };
}

async function planRegion(
  name: string,
  root: string,
  options: LocalOptions,
  ports: PortAllocator,
  emulatorOf: (cloud: Cloud) => Promise<LocalEmulator>,
): Promise<LocalRegion> {
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
  );
  const plan = regionalPlan(config);
  const dir = path.join(root, name);
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
  const standIn = (job: string, targets: readonly string[]): StaticScrapeJob => ({
    job,
    targets,
    metricsPath: "/metrics",
    scheme: "http",
  });
  return {
    name,
    config,
    plan,
    prometheus,
    nodeExporter: { name: `${name}-${NAMES.nodeExporter}`, port: nodeExporterPort },
    fleet: { name: `${name}-fleet`, controlPort, targetPorts },
    bucket: { name: `${config.namePrefix}-thanos-local`, emulator: await emulatorOf(config.cloud) },
    stores,
    compactor: { name: compactorName, httpPort: compactorPort, dir: path.join(dir, compactorName) },
    discoveredStandIns: [
      standIn(NAMES.nodeExporter, [address(nodeExporterPort)]),
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
    dir,
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
  const regions: LocalRegion[] = [];
  for (const name of names) regions.push(await planRegion(name, root, options, ports, emulatorOf));
  const missing = config.regions.map((r) => r.name).filter((r) => !regions.some((region) => region.name === r));
  if (missing.length > 0)
    throw new Error(`Pulumi.global.yaml lists region(s) ${missing.join(", ")} that the local topology does not run`);
  return {
    root,
    regions,
    global: { config, federation, alertmanagers, webhookPort, query, frontend, dir: globalDir },
    emulators: [...emulators.values()],
    tokenPort,
    blockDuration: options.blockDuration ?? LOCAL_TIMING.blockDuration,
    peerTimeout: options.peerTimeout ?? LOCAL_TIMING.peerTimeout,
  };
}
