/**
 * The region's builders bound to its in-pod layout: the arguments and files each workload runs with. The
 * components put them into pods and ConfigMaps; renderRegionalFiles writes them out for review.
 */
import { DEFAULTS } from "../../config/defaults";
import type { RegionalStackConfig } from "../../config/types";
import { SIDECAR_BLOCK_DURATION, prometheusArgs, reloadMethodFor } from "../prometheus/args";
import { localClientConfig, webConfig } from "../prometheus/web";
import { alertRules } from "../rules/alerts";
import { recordingRules } from "../rules/recording";
import { certificateRules } from "../rules/certificates";
import { NO_ALERT_SETTINGS, alertNames, withAlertSettings } from "../rules/settings";
import { type RegionalSizing, retentionSize } from "../sizing";
import { compactArgs } from "../thanos/compact";
import type { GrpcServerTls, ThanosListen } from "../thanos/common";
import { sidecarArgs } from "../thanos/sidecar";
import { storeArgs } from "../thanos/store";
import { teamRuleFiles } from "../teams/rules";
import { FEDERATION_USERNAME, PATHS, PORTS } from "./layout";
import { STACK_JOBS } from "./plan";

/** Pods listen on every interface; NetworkPolicies decide who reaches them. */
const POD_LISTEN_HOST = "0.0.0.0";
const POD_THANOS_LISTEN: ThanosListen = {
  host: POD_LISTEN_HOST,
  grpcPort: PORTS.thanosGrpc,
  httpPort: PORTS.thanosHttp,
};

/**
 * Where a region's workloads find the files they share and the region's TLS: the pods' mount paths in the
 * clusters (CLUSTER_REGIONAL_LAYOUT), the run's directories in the local topology. The same functions below
 * turn either into command lines and files, so the two cannot wire a workload differently.
 */
export interface RegionalLayout {
  /** The region's server certificate and key, and the CA clients' certificates are checked against. */
  readonly tls: GrpcServerTls;
  readonly webConfigFile: string;
  readonly localClientConfigFile: string;
  readonly federationPasswordFile: string;
  readonly rulesDir: string;
  readonly objstoreFile: string;
}

/** One Prometheus pod's own addresses and paths: every pod has the same in a cluster, each local one its own. */
export interface PrometheusPodLayout {
  readonly listenAddress: string;
  /** How the pod's sidecar reaches its Prometheus (HTTPS, the region's server name verified). */
  readonly prometheusUrl: string;
  readonly dataDir: string;
  readonly configTemplateFile: string;
  readonly configOutFile: string;
  readonly sidecarListen: ThanosListen;
}

/** A store gateway's listen addresses and data directory. */
export interface StoreGatewayLayout {
  readonly listen: ThanosListen;
  readonly dataDir: string;
}

/** The compactor serves no StoreAPI: an HTTP address (metrics, probes) and its data directory. */
export interface CompactorLayout {
  readonly httpAddress: string;
  readonly dataDir: string;
}

/** How long and how often: the clusters' from the config and DEFAULTS, the local topology's shortened. */
export interface RegionalTimings {
  readonly retention: string;
  readonly retentionSize?: string;
  readonly blockDuration: string;
  readonly alertResendDelay?: string;
  readonly storeSyncInterval: string;
  readonly compactWaitInterval: string;
  readonly compactConsistencyDelay: string;
}

export const CLUSTER_REGIONAL_LAYOUT: RegionalLayout = {
  tls: { certFile: PATHS.tlsCertFile, keyFile: PATHS.tlsKeyFile, clientCaFile: PATHS.tlsCaFile },
  webConfigFile: PATHS.webConfigFile,
  localClientConfigFile: PATHS.localClientConfigFile,
  federationPasswordFile: PATHS.federationPasswordFile,
  rulesDir: PATHS.rulesDir,
  objstoreFile: PATHS.objstoreFile,
};

export const CLUSTER_PROMETHEUS_POD: PrometheusPodLayout = {
  listenAddress: `${POD_LISTEN_HOST}:${PORTS.prometheusWeb}`,
  prometheusUrl: `https://localhost:${PORTS.prometheusWeb}`,
  dataDir: PATHS.prometheusData,
  configTemplateFile: PATHS.configTemplateFile,
  configOutFile: PATHS.configOutFile,
  sidecarListen: POD_THANOS_LISTEN,
};

export const CLUSTER_STORE_GATEWAY: StoreGatewayLayout = { listen: POD_THANOS_LISTEN, dataDir: PATHS.thanosData };

export const CLUSTER_COMPACTOR: CompactorLayout = {
  httpAddress: `${POD_LISTEN_HOST}:${PORTS.thanosHttp}`,
  dataDir: PATHS.thanosData,
};

export function clusterRegionalTimings(config: RegionalStackConfig, sizing: RegionalSizing): RegionalTimings {
  return {
    retention: config.prometheus.retention,
    retentionSize: retentionSize(sizing.prometheus.diskGiB),
    blockDuration: SIDECAR_BLOCK_DURATION,
    storeSyncInterval: DEFAULTS.storeGateway.syncInterval,
    compactWaitInterval: DEFAULTS.compactor.waitInterval,
    compactConsistencyDelay: DEFAULTS.compactor.consistencyDelay,
  };
}

/** The rule file of the certificates the region issued (builders/rules/certificates.ts), beside the others. */
export const CERTIFICATE_RULES_FILE = "certificates.yaml";

/**
 * Rule files by file name (mounted under PATHS.rulesDir, matched by the config's rule_files glob), with the
 * stack's alert settings applied. The upload alert follows the block duration Prometheus runs with (the
 * clusters' 2h unless given).
 */
export function regionalRuleFiles(config: Pick<RegionalStackConfig, "alerts" | "teams">, blockDuration: string) {
  return {
    "recording.yaml": recordingRules(),
    "alerts.yaml": withAlertSettings(alertRules(STACK_JOBS, blockDuration), config.alerts),
    ...teamRuleFiles(config.teams),
  };
}

/** Every alert a regional stack evaluates, by name (what `alerts.disabled` may name); the certificates' rule file is made per stack. */
export function regionalAlertNames(): string[] {
  return alertNames([alertRules(STACK_JOBS, SIDECAR_BLOCK_DURATION), certificateRules([], 1, NO_ALERT_SETTINGS)]);
}

export function regionalPrometheusArgs(
  layout: RegionalLayout,
  pod: PrometheusPodLayout,
  timings: RegionalTimings,
): string[] {
  return prometheusArgs({
    configFile: pod.configOutFile,
    webConfigFile: layout.webConfigFile,
    dataDir: pod.dataDir,
    retention: timings.retention,
    retentionSize: timings.retentionSize,
    listenAddress: pod.listenAddress,
    blockDuration: timings.blockDuration,
    alertResendDelay: timings.alertResendDelay,
  });
}

/** The region's Prometheus web config (a remote-write region's agents serve the same): only the TLS of the layout. */
export function regionalWebConfig(layout: Pick<RegionalLayout, "tls">, passwordBcryptHash: string) {
  return webConfig({
    certFile: layout.tls.certFile,
    keyFile: layout.tls.keyFile,
    username: FEDERATION_USERNAME,
    passwordBcryptHash,
  });
}

/** How the sidecar and the probes reach the pod's own Prometheus. */
export function regionalLocalClientConfig(layout: RegionalLayout, tlsServerName: string) {
  return localClientConfig({
    username: FEDERATION_USERNAME,
    passwordFile: layout.federationPasswordFile,
    caFile: layout.tls.clientCaFile,
    serverName: tlsServerName,
  });
}

export function regionalSidecarArgs(layout: RegionalLayout, pod: PrometheusPodLayout): string[] {
  return sidecarArgs({
    listen: pod.sidecarListen,
    tls: layout.tls,
    prometheusUrl: pod.prometheusUrl,
    prometheusClientConfigFile: layout.localClientConfigFile,
    tsdbPath: pod.dataDir,
    objstoreConfigFile: layout.objstoreFile,
    configTemplateFile: pod.configTemplateFile,
    configOutFile: pod.configOutFile,
    ruleDir: layout.rulesDir,
    reloadMethod: reloadMethodFor(pod.listenAddress),
  });
}

export function regionalStoreArgs(
  layout: RegionalLayout,
  store: StoreGatewayLayout,
  sizing: RegionalSizing,
  timings: RegionalTimings,
): string[] {
  return storeArgs({
    listen: store.listen,
    tls: layout.tls,
    dataDir: store.dataDir,
    objstoreConfigFile: layout.objstoreFile,
    indexCacheSizeMiB: sizing.storeGateway.indexCacheSizeMiB,
    chunkCacheSizeMiB: sizing.storeGateway.chunkCacheSizeMiB,
    syncInterval: timings.storeSyncInterval,
  });
}

export function regionalCompactArgs(
  layout: RegionalLayout,
  compactor: CompactorLayout,
  config: RegionalStackConfig,
  timings: RegionalTimings,
): string[] {
  return compactArgs({
    httpAddress: compactor.httpAddress,
    dataDir: compactor.dataDir,
    objstoreConfigFile: layout.objstoreFile,
    retention: config.bucketRetention,
    waitInterval: timings.compactWaitInterval,
    consistencyDelay: timings.compactConsistencyDelay,
  });
}

/** The command line of each regional workload, as the pods run them and `npm run render` writes them. */
export interface RegionalArgs {
  readonly prometheus: string[];
  readonly sidecar: string[];
  readonly store: string[];
  readonly compact: string[];
}

export function clusterRegionalArgs(config: RegionalStackConfig, sizing: RegionalSizing): RegionalArgs {
  const layout = CLUSTER_REGIONAL_LAYOUT;
  const timings = clusterRegionalTimings(config, sizing);
  return {
    prometheus: regionalPrometheusArgs(layout, CLUSTER_PROMETHEUS_POD, timings),
    sidecar: regionalSidecarArgs(layout, CLUSTER_PROMETHEUS_POD),
    store: regionalStoreArgs(layout, CLUSTER_STORE_GATEWAY, sizing, timings),
    compact: regionalCompactArgs(layout, CLUSTER_COMPACTOR, config, timings),
  };
}
