/**
 * The global tier's ingestion for the remote-write regions bound to its in-cluster layout: Thanos Receive's
 * command line, hashring and tenant limits, and per region the Ruler pair and the tenant-scoped Query its
 * rules are evaluated over. The components mount these; renderGlobalFiles writes them for review.
 */
import type { GlobalStackConfig } from "../../config/types";
import { SIDECAR_BLOCK_DURATION } from "../prometheus/args";
import { regionalRuleFiles } from "../regional/workload-config";
import { NO_ALERT_SETTINGS, type AlertSettings } from "../rules/settings";
import { tenantQueryArgs } from "../thanos/query";
import {
  RECEIVE_REPLICATION_FACTOR,
  RECEIVE_TENANT_LABEL,
  receiveArgs,
  receiveHashrings,
  receiveLimitsConfig,
} from "../thanos/receive";
import {
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
  RULER,
  alertmanagerPeerHosts,
  receiveEndpointAddresses,
  rulerQueryName,
  serviceHost,
} from "./layout";

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

export function globalReceiveArgs(config: Pick<GlobalStackConfig, "receive">): string[] {
  return receiveArgs({
    listen: { host: POD_LISTEN_HOST, grpcPort: RECEIVE.grpcPort, httpPort: RECEIVE.httpPort },
    remoteWriteAddress: `${POD_LISTEN_HOST}:${RECEIVE.remoteWritePort}`,
    remoteWriteTls: {
      certFile: RECEIVE_FILES.tlsCert,
      keyFile: RECEIVE_FILES.tlsKey,
      clientCaFile: RECEIVE_FILES.clientCa,
    },
    tsdbPath: RECEIVE.dataDir,
    retention: config.receive.retention,
    objstoreConfigFile: RECEIVE_FILES.objstore,
    hashringsFile: RECEIVE_FILES.hashrings,
    limitsConfigFile: RECEIVE_FILES.limits,
    localEndpoint: `${serviceHost(`${POD_NAME}.${RECEIVE.podsService}`)}:${RECEIVE.grpcPort}`,
    replicaLabel: { name: RECEIVE.replicaLabel, value: POD_NAME },
    replicationFactor: RECEIVE_REPLICATION_FACTOR,
  });
}

export function globalReceiveHashrings(config: Pick<GlobalStackConfig, "receive">) {
  return receiveHashrings(receiveEndpointAddresses(config.receive.replicas).map((address) => ({ address })));
}

/** The limits file: each remote-write region is a tenant under the stack's tenant limits. */
export function globalReceiveLimits(config: Pick<GlobalStackConfig, "receive">, tenants: readonly string[]) {
  const { maxConcurrency, ...limits } = config.receive.tenantLimits;
  return receiveLimitsConfig({ maxConcurrency, tenants, limits });
}

/** What the global tier knows of a remote-write region (from its outputs) to evaluate its rules. */
export interface RuledRegion {
  readonly region: string;
  /** The region's external labels (region, cloud, cluster) besides `shard` and the replica label. */
  readonly externalLabels: Readonly<Record<string, string>>;
  readonly replicaLabel: string;
  readonly alertingUsername: string;
}

/**
 * The region-scoped Query: Receive's StoreAPIs only, deduplicating the region's agent pairs and Receive's
 * replicas, every query restricted to the region's tenant.
 */
export function rulerQueryArgs(config: Pick<GlobalStackConfig, "receive">, region: RuledRegion): string[] {
  void config;
  return tenantQueryArgs({
    endpointConfigFile: RULER_FILES.queryEndpoints,
    replicaLabels: [region.replicaLabel, RECEIVE.replicaLabel],
    listen: { host: POD_LISTEN_HOST, grpcPort: RULER.queryGrpcPort, httpPort: RULER.queryHttpPort },
    tenant: region.region,
    tenantLabel: RECEIVE_TENANT_LABEL,
  });
}

/** Its `--endpoint.sd-config-file`: every Receive pod, inside the cluster. */
export function rulerQueryEndpoints(config: Pick<GlobalStackConfig, "receive">) {
  return {
    endpoints: receiveEndpointAddresses(config.receive.replicas).map((address) => ({ address, strict: false })),
  };
}

export function rulerArgs(region: RuledRegion, evalInterval: string): string[] {
  return ruleArgs({
    listen: { host: POD_LISTEN_HOST, grpcPort: RULER.grpcPort, httpPort: RULER.httpPort },
    dataDir: RULER.dataDir,
    ruleFiles: RULER_FILES.rules,
    queryConfigFile: RULER_FILES.query,
    alertmanagersConfigFile: RULER_FILES.alertmanagers,
    remoteWriteConfigFile: RULER_FILES.remoteWrite,
    labels: { ...region.externalLabels, [region.replicaLabel]: POD_NAME },
    replicaLabel: region.replicaLabel,
    evalInterval,
  });
}

export function rulerQuery(region: string) {
  return rulerQueryConfig([`${serviceHost(rulerQueryName(region))}:${RULER.queryHttpPort}`]);
}

export function rulerAlertmanagers(config: Pick<GlobalStackConfig, "alerting">, region: RuledRegion) {
  return rulerAlertmanagersConfig({
    addresses: alertmanagerPeerHosts(config.alerting.replicas).map((host) => `${host}:${ALERTMANAGER.webPort}`),
    username: region.alertingUsername,
    passwordFile: RULER_FILES.alertingPassword,
    caFile: RULER_FILES.alertingCa,
    serverName: ALERTMANAGER.tlsServerName,
  });
}

/** Prometheus' remote-write receiver path. */
export const PROMETHEUS_WRITE_PATH = "/api/v1/write";

/** Every federation replica's remote-write receiver, through the headless Service. */
export function federationWriteUrls(config: Pick<GlobalStackConfig, "federationReplicas">): string[] {
  return Array.from(
    { length: config.federationReplicas },
    (_, i) =>
      `http://${serviceHost(`${FEDERATION.name}-${i}.${FEDERATION.podsService}`)}:${FEDERATION.port}${PROMETHEUS_WRITE_PATH}`,
  );
}

export function rulerRemoteWrite(config: Pick<GlobalStackConfig, "federationReplicas">) {
  return rulerRemoteWriteConfig(federationWriteUrls(config));
}

/**
 * The region's rules as its Ruler evaluates them: the recording rules the federation reads and the default
 * alerts, less those of workloads an agent-mode region does not run (its sidecars, store gateway, compactor).
 */
export function rulerRules(alerts: AlertSettings = NO_ALERT_SETTINGS) {
  // The block duration only shapes the sidecar upload alert, which a Ruler leaves out with the thanos group.
  return rulerRuleFiles(regionalRuleFiles({ alerts, teams: [] }, SIDECAR_BLOCK_DURATION));
}
