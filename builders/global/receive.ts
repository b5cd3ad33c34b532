/**
 * The global tier's ingestion for the remote-write regions, bound to a layout like the rest of the tier's wiring
 * (./wiring.ts): Thanos Receive's command line, hashring and tenant limits, and per region the Ruler pair and the
 * tenant-scoped Query its rules are evaluated over. The clusters bind the pods' layout (CLUSTER_INGESTION_LAYOUT
 * below), the local topology its directories and loopback ports, so both run Receive and the Rulers through
 * these functions.
 */
import { DEFAULTS } from "../../config/defaults";
import type { GlobalStackConfig } from "../../config/types";
import type { RegionalOutputs } from "../../contracts/regional-outputs";
import { SIDECAR_BLOCK_DURATION } from "../prometheus/args";
import { regionalRuleFiles } from "../regional/workload-config";
import { NO_ALERT_SETTINGS, type AlertSettings } from "../rules/settings";
import { compactArgs } from "../thanos/compact";
import { tenantQueryArgs } from "../thanos/query";
import { storeArgs } from "../thanos/store";
import {
  RECEIVE_REPLICATION_FACTOR,
  RECEIVE_TENANT_LABEL,
  type ReceiveArgsParams,
  receiveArgs,
  receiveHashrings,
  receiveLimitsConfig,
} from "../thanos/receive";
import {
  type RuleArgsParams,
  type RulerAlertmanagers,
  ruleArgs,
  rulerAlertmanagersConfig,
  rulerQueryConfig,
  rulerRemoteWriteConfig,
  rulerRuleFiles,
} from "../thanos/rule";
import {
  ALERTMANAGER,
  FEDERATION,
  RECEIVE,
  RECEIVE_BUCKET,
  RULER,
  alertmanagerPeerHosts,
  receiveEndpointAddresses,
  rulerQueryName,
  serviceHost,
} from "./layout";
import type { QueryLayout } from "./wiring";

/** One Receive process: its files, where it listens, its own hashring endpoint and replica (the stack gives the rest). */
export type ReceiveLayout = Omit<ReceiveArgsParams, "retention" | "replicationFactor" | "replicaLabel"> & {
  /** This process' value of the Receive replica label (RECEIVE.replicaLabel): unique per Receive. */
  readonly replica: string;
};

/** One Ruler process of a region: its files and listeners, and its value of the region's replica label. */
export type RulerLayout = Omit<RuleArgsParams, "labels" | "replicaLabel" | "evalInterval" | "alertQueryUrl"> & {
  readonly replica: string;
};

/** What the global tier knows of a remote-write region (from its outputs) to evaluate its rules. */
export interface RuledRegion {
  readonly region: string;
  /** The region's external labels (region, cloud, cluster) besides `shard` and the replica label. */
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly replicaLabel: string;
  readonly alertingUsername: string;
}

/** What the Ruler of a remote-write region needs of its outputs. */
export function ruledRegion(
  outputs: Pick<RegionalOutputs, "region" | "externalLabels" | "replicaLabel" | "alertingUsername">,
): RuledRegion {
  return {
    region: outputs.region,
    externalLabels: outputs.externalLabels,
    replicaLabel: outputs.replicaLabel,
    alertingUsername: outputs.alertingUsername,
  };
}

/**
 * How often a Ruler evaluates its region's rules: the regions' default interval, since a region's own
 * `prometheus.evaluationInterval` is not among its outputs.
 */
export const RULER_EVAL_INTERVAL = DEFAULTS.prometheus.evaluationInterval;

export function receiveWorkloadArgs(config: Pick<GlobalStackConfig, "receive">, layout: ReceiveLayout): string[] {
  const { replica, ...files } = layout;
  return receiveArgs({
    ...files,
    retention: config.receive.retention,
    replicaLabel: { name: RECEIVE.replicaLabel, value: replica },
    replicationFactor: RECEIVE_REPLICATION_FACTOR,
  });
}

/** One hashring of every Receive, by the gRPC address each names itself with (its `localEndpoint`). */
export function receiveHashringOf(endpoints: readonly string[]) {
  return receiveHashrings(endpoints.map((address) => ({ address })));
}

/** The limits file: each remote-write region is a tenant under the stack's tenant limits. */
export function globalReceiveLimits(config: Pick<GlobalStackConfig, "receive">, tenants: readonly string[]) {
  const { maxConcurrency, ...limits } = config.receive.tenantLimits;
  return receiveLimitsConfig({ maxConcurrency, tenants, limits });
}

/**
 * The region-scoped Query: Receive's StoreAPIs only, deduplicating the region's agent pairs and Receive's
 * replicas, every query restricted to the region's tenant.
 */
export function rulerQueryWorkloadArgs(region: RuledRegion, layout: QueryLayout): string[] {
  return tenantQueryArgs({
    endpointConfigFile: layout.endpointConfigFile,
    replicaLabels: [region.replicaLabel, RECEIVE.replicaLabel],
    listen: layout.listen,
    tenant: region.region,
    tenantLabel: RECEIVE_TENANT_LABEL,
  });
}

/** The scoped Query's `--endpoint.sd-config-file`: every Receive's StoreAPI. */
export function rulerQueryEndpoints(receiveEndpoints: readonly string[]) {
  return { endpoints: receiveEndpoints.map((address) => ({ address, strict: false })) };
}

export function rulerWorkloadArgs(region: RuledRegion, evalInterval: string, layout: RulerLayout): string[] {
  const { replica, ...files } = layout;
  // In name order: the outputs' key order depends on how they were read (a StackReference's come sorted), and
  // a new order would restart the pods.
  const labels = Object.entries(region.externalLabels).sort(([a], [b]) => a.localeCompare(b));
  return ruleArgs({
    ...files,
    labels: { ...Object.fromEntries(labels), [region.replicaLabel]: replica },
    replicaLabel: region.replicaLabel,
    evalInterval,
  });
}

/** Where a region's Ruler sends alerts: every Alertmanager peer, as the region's alerting user. */
export function rulerAlertmanagers(region: RuledRegion, peers: Omit<RulerAlertmanagers, "username">) {
  return rulerAlertmanagersConfig({ ...peers, username: region.alertingUsername });
}

/** Prometheus' remote-write receiver path. */
export const PROMETHEUS_WRITE_PATH = "/api/v1/write";

/** A Ruler writes its recorded series to every federation replica's remote-write receiver (`baseUrls`). */
export function rulerRemoteWrite(federationBaseUrls: readonly string[]) {
  return rulerRemoteWriteConfig(federationBaseUrls.map((base) => `${base}${PROMETHEUS_WRITE_PATH}`));
}

/**
 * The region's rules as its Ruler evaluates them: the recording rules the federation reads and the default
 * alerts, less those of workloads an agent-mode region does not run (its sidecars, store gateway, compactor).
 */
export function rulerRules(alerts: AlertSettings = NO_ALERT_SETTINGS) {
  // The block duration only shapes the sidecar upload alert, which a Ruler leaves out with the thanos group.
  return rulerRuleFiles(regionalRuleFiles({ alerts, teams: [] }, SIDECAR_BLOCK_DURATION));
}

/** In-pod file names of Receive's and the Ruler's configs. */
export const RECEIVE_FILES = {
  hashrings: `${RECEIVE.configDir}/hashrings.json`,
  limits: `${RECEIVE.configDir}/limits.yaml`,
  objstore: `${RECEIVE.objstoreDir}/objstore.yaml`,
  tlsCert: `${RECEIVE.tlsDir}/tls.crt`,
  tlsKey: `${RECEIVE.tlsDir}/tls.key`,
  /** Every remote-write region's CA, concatenated: a client certificate of any of them is admitted. */
  clientCa: `${RECEIVE.tlsDir}/clients-ca.crt`,
} as const;

export const RULER_FILES = {
  query: `${RULER.configDir}/query.yaml`,
  alertmanagers: `${RULER.configDir}/alertmanagers.yaml`,
  remoteWrite: `${RULER.configDir}/remote-write.yaml`,
  rules: `${RULER.rulesDir}/*.yaml`,
  alertingPassword: `${RULER.secretsDir}/alerting-password`,
  alertingCa: `${RULER.secretsDir}/alerting-ca.crt`,
  queryEndpoints: `${RULER.queryConfigDir}/endpoints.yaml`,
} as const;

/** The replica label value of a pod: the pod's name, which Kubernetes substitutes into its arguments. */
const POD_NAME = "$(POD_NAME)";
const POD_LISTEN_HOST = "0.0.0.0";

/** Where Receive, the Rulers and their Queries run in the pods: the layout the clusters bind the wiring to. */
export const CLUSTER_INGESTION_LAYOUT = {
  receive: {
    listen: { host: POD_LISTEN_HOST, grpcPort: RECEIVE.grpcPort, httpPort: RECEIVE.httpPort },
    remoteWriteAddress: `${POD_LISTEN_HOST}:${RECEIVE.remoteWritePort}`,
    remoteWriteTls: {
      certFile: RECEIVE_FILES.tlsCert,
      keyFile: RECEIVE_FILES.tlsKey,
      clientCaFile: RECEIVE_FILES.clientCa,
    },
    tsdbPath: RECEIVE.dataDir,
    objstoreConfigFile: RECEIVE_FILES.objstore,
    hashringsFile: RECEIVE_FILES.hashrings,
    limitsConfigFile: RECEIVE_FILES.limits,
    localEndpoint: `${serviceHost(`${POD_NAME}.${RECEIVE.podsService}`)}:${RECEIVE.grpcPort}`,
    replica: POD_NAME,
  },
  ruler: {
    listen: { host: POD_LISTEN_HOST, grpcPort: RULER.grpcPort, httpPort: RULER.httpPort },
    dataDir: RULER.dataDir,
    ruleFiles: RULER_FILES.rules,
    queryConfigFile: RULER_FILES.query,
    alertmanagersConfigFile: RULER_FILES.alertmanagers,
    remoteWriteConfigFile: RULER_FILES.remoteWrite,
    replica: POD_NAME,
  },
  rulerQuery: {
    endpointConfigFile: RULER_FILES.queryEndpoints,
    listen: { host: POD_LISTEN_HOST, grpcPort: RULER.queryGrpcPort, httpPort: RULER.queryHttpPort },
  },
} as const satisfies { receive: ReceiveLayout; ruler: RulerLayout; rulerQuery: QueryLayout };

export function clusterReceiveArgs(config: Pick<GlobalStackConfig, "receive">): string[] {
  return receiveWorkloadArgs(config, CLUSTER_INGESTION_LAYOUT.receive);
}

export function clusterReceiveHashrings(config: Pick<GlobalStackConfig, "receive">) {
  return receiveHashringOf(receiveEndpointAddresses(config.receive.replicas));
}

export function clusterRulerArgs(region: RuledRegion, evalInterval: string): string[] {
  return rulerWorkloadArgs(region, evalInterval, CLUSTER_INGESTION_LAYOUT.ruler);
}

export function clusterRulerQueryArgs(region: RuledRegion): string[] {
  return rulerQueryWorkloadArgs(region, CLUSTER_INGESTION_LAYOUT.rulerQuery);
}

export function clusterRulerQueryEndpoints(config: Pick<GlobalStackConfig, "receive">) {
  return rulerQueryEndpoints(receiveEndpointAddresses(config.receive.replicas));
}

/** A region's scoped Query, through its Service: what its Ruler and its Grafana datasource read. */
export function clusterRulerQueryAddress(region: string): string {
  return `${serviceHost(rulerQueryName(region))}:${RULER.queryHttpPort}`;
}

/** The Ruler's `--query.config-file`: its region's scoped Query. */
export function clusterRulerQuery(region: string) {
  return rulerQueryConfig([clusterRulerQueryAddress(region)]);
}

export function clusterRulerAlertmanagers(config: Pick<GlobalStackConfig, "alerting">, region: RuledRegion) {
  return rulerAlertmanagers(region, {
    addresses: alertmanagerPeerHosts(config.alerting.replicas).map((host) => `${host}:${ALERTMANAGER.webPort}`),
    passwordFile: RULER_FILES.alertingPassword,
    caFile: RULER_FILES.alertingCa,
    serverName: ALERTMANAGER.tlsServerName,
  });
}

/** Every federation replica, through the headless Service. */
export function federationBaseUrls(config: Pick<GlobalStackConfig, "federationReplicas">): string[] {
  return Array.from(
    { length: config.federationReplicas },
    (_, i) => `http://${serviceHost(`${FEDERATION.name}-${i}.${FEDERATION.podsService}`)}:${FEDERATION.port}`,
  );
}

export function clusterRulerRemoteWrite(config: Pick<GlobalStackConfig, "federationReplicas">) {
  return rulerRemoteWrite(federationBaseUrls(config));
}

/**
 * The store gateways of Receive's bucket: a region's store gateway (builders/thanos/store.ts) read inside the
 * global cluster only, by Thanos Query, hence plain gRPC like Receive's own StoreAPI.
 */
export function clusterReceiveStoreArgs(): string[] {
  return storeArgs({
    listen: { host: POD_LISTEN_HOST, grpcPort: RECEIVE_BUCKET.grpcPort, httpPort: RECEIVE_BUCKET.httpPort },
    dataDir: RECEIVE_BUCKET.dataDir,
    objstoreConfigFile: RECEIVE_FILES.objstore,
    indexCacheSizeMiB: DEFAULTS.receive.storeGateway.indexCacheSizeMiB,
    chunkCacheSizeMiB: DEFAULTS.receive.storeGateway.chunkCacheSizeMiB,
    syncInterval: DEFAULTS.storeGateway.syncInterval,
  });
}

/** The one compactor of Receive's bucket, keeping each resolution as long as a region's bucket does by default. */
export function clusterReceiveCompactArgs(): string[] {
  return compactArgs({
    httpAddress: `${POD_LISTEN_HOST}:${RECEIVE_BUCKET.httpPort}`,
    dataDir: RECEIVE_BUCKET.dataDir,
    objstoreConfigFile: RECEIVE_FILES.objstore,
    retention: DEFAULTS.bucketRetention,
    waitInterval: DEFAULTS.compactor.waitInterval,
    consistencyDelay: DEFAULTS.compactor.consistencyDelay,
  });
}
