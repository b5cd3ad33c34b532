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
import { type AlertSettings, NO_ALERT_SETTINGS, alertNames, withAlertSettings } from "../rules/settings";
import { type RegionalSizing, retentionSize } from "../sizing";
import { compactArgs } from "../thanos/compact";
import type { GrpcServerTls } from "../thanos/common";
import { sidecarArgs } from "../thanos/sidecar";
import { storeArgs } from "../thanos/store";
import { FEDERATION_USERNAME, PATHS, PORTS } from "./layout";
import { STACK_JOBS } from "./plan";

const GRPC_TLS: GrpcServerTls = {
  certFile: PATHS.tlsCertFile,
  keyFile: PATHS.tlsKeyFile,
  clientCaFile: PATHS.tlsCaFile,
};
/** Pods listen on every interface; NetworkPolicies decide who reaches them. */
const POD_LISTEN_HOST = "0.0.0.0";
const THANOS_LISTEN = { host: POD_LISTEN_HOST, grpcPort: PORTS.thanosGrpc, httpPort: PORTS.thanosHttp };

/** The rule file of the certificates the region issued (builders/rules/certificates.ts), beside the others. */
export const CERTIFICATE_RULES_FILE = "certificates.yaml";

/**
 * Rule files by file name (mounted under PATHS.rulesDir, matched by the config's rule_files glob), with the
 * stack's alert settings applied. The upload alert follows the block duration Prometheus runs with (the
 * clusters' 2h unless given).
 */
export function regionalRuleFiles(alerts: AlertSettings, blockDuration: string = SIDECAR_BLOCK_DURATION) {
  return {
    "recording.yaml": recordingRules(),
    "alerts.yaml": withAlertSettings(alertRules(STACK_JOBS, blockDuration), alerts),
  };
}

/** Every alert a regional stack evaluates, by name (what `alerts.disabled` may name); the certificates' rule file is made per stack. */
export function regionalAlertNames(): string[] {
  return alertNames([alertRules(STACK_JOBS, SIDECAR_BLOCK_DURATION), certificateRules([], 1, NO_ALERT_SETTINGS)]);
}

/** Every address of the pod: the federation load balancers reach Prometheus' web port. */
const PROMETHEUS_LISTEN_ADDRESS = `${POD_LISTEN_HOST}:${PORTS.prometheusWeb}`;

export function regionalPrometheusArgs(config: RegionalStackConfig, sizing: RegionalSizing): string[] {
  return prometheusArgs({
    configFile: PATHS.configOutFile,
    webConfigFile: PATHS.webConfigFile,
    dataDir: PATHS.prometheusData,
    retention: config.prometheus.retention,
    retentionSize: retentionSize(sizing.prometheus.diskGiB),
    listenAddress: PROMETHEUS_LISTEN_ADDRESS,
    blockDuration: SIDECAR_BLOCK_DURATION,
  });
}

export function regionalWebConfig(passwordBcryptHash: string) {
  return webConfig({
    certFile: PATHS.tlsCertFile,
    keyFile: PATHS.tlsKeyFile,
    username: FEDERATION_USERNAME,
    passwordBcryptHash,
  });
}

/** How the sidecar and the probes reach the pod's own Prometheus. */
export function regionalLocalClientConfig(tlsServerName: string) {
  return localClientConfig({
    username: FEDERATION_USERNAME,
    passwordFile: PATHS.federationPasswordFile,
    caFile: PATHS.tlsCaFile,
    serverName: tlsServerName,
  });
}

export function regionalSidecarArgs(): string[] {
  return sidecarArgs({
    listen: THANOS_LISTEN,
    tls: GRPC_TLS,
    prometheusUrl: `https://localhost:${PORTS.prometheusWeb}`,
    prometheusClientConfigFile: PATHS.localClientConfigFile,
    tsdbPath: PATHS.prometheusData,
    objstoreConfigFile: PATHS.objstoreFile,
    configTemplateFile: PATHS.configTemplateFile,
    configOutFile: PATHS.configOutFile,
    ruleDir: PATHS.rulesDir,
    reloadMethod: reloadMethodFor(PROMETHEUS_LISTEN_ADDRESS),
  });
}

export function regionalStoreArgs(sizing: RegionalSizing): string[] {
  return storeArgs({
    listen: THANOS_LISTEN,
    tls: GRPC_TLS,
    dataDir: PATHS.thanosData,
    objstoreConfigFile: PATHS.objstoreFile,
    indexCacheSizeMiB: sizing.storeGateway.indexCacheSizeMiB,
    syncInterval: DEFAULTS.storeGateway.syncInterval,
  });
}

export function regionalCompactArgs(config: RegionalStackConfig): string[] {
  return compactArgs({
    httpAddress: `${POD_LISTEN_HOST}:${PORTS.thanosHttp}`,
    dataDir: PATHS.thanosData,
    objstoreConfigFile: PATHS.objstoreFile,
    retention: config.bucketRetention,
    waitInterval: DEFAULTS.compactor.waitInterval,
    consistencyDelay: DEFAULTS.compactor.consistencyDelay,
  });
}
