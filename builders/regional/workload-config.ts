/**
 * The region's builders bound to its in-pod layout: the arguments and files each workload runs with. The
 * components put them into pods and ConfigMaps; renderRegionalFiles writes them out for review.
 */
import type { RegionalStackConfig } from "../../config/types";
import { prometheusArgs } from "../prometheus/args";
import { localClientConfig, webConfig } from "../prometheus/web";
import { alertRules } from "../rules/alerts";
import { recordingRules } from "../rules/recording";
import { RegionalSizing, retentionSize } from "../sizing";
import { compactArgs } from "../thanos/compact";
import type { GrpcServerTls } from "../thanos/grpc-tls";
import { sidecarArgs } from "../thanos/sidecar";
import { storeArgs } from "../thanos/store";
import { FEDERATION_USERNAME, PATHS, PORTS } from "./layout";
import { STACK_JOBS } from "./plan";

const GRPC_TLS: GrpcServerTls = { certFile: PATHS.tlsCertFile, keyFile: PATHS.tlsKeyFile, clientCaFile: PATHS.tlsCaFile };
const THANOS_LISTEN = { grpcPort: PORTS.thanosGrpc, httpPort: PORTS.thanosHttp };

/** Rule files by file name (mounted under PATHS.rulesDir, matched by the config's rule_files glob). */
export function regionalRuleFiles() {
  return { "recording.yaml": recordingRules(), "alerts.yaml": alertRules(STACK_JOBS) };
}

export function regionalPrometheusArgs(config: RegionalStackConfig, sizing: RegionalSizing): string[] {
  return prometheusArgs({
    configFile: PATHS.configOutFile,
    webConfigFile: PATHS.webConfigFile,
    dataDir: PATHS.prometheusData,
    retention: config.prometheus.retention,
    retentionSize: retentionSize(sizing.prometheus.diskGiB),
    port: PORTS.prometheusWeb,
  });
}

export function regionalWebConfig(passwordBcryptHash: string) {
  return webConfig({ certFile: PATHS.tlsCertFile, keyFile: PATHS.tlsKeyFile, username: FEDERATION_USERNAME, passwordBcryptHash });
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
  });
}

export function regionalStoreArgs(sizing: RegionalSizing): string[] {
  return storeArgs({
    listen: THANOS_LISTEN,
    tls: GRPC_TLS,
    dataDir: PATHS.thanosData,
    objstoreConfigFile: PATHS.objstoreFile,
    indexCacheSizeMiB: sizing.storeGateway.indexCacheSizeMiB,
  });
}

export function regionalCompactArgs(config: RegionalStackConfig): string[] {
  return compactArgs({
    httpPort: PORTS.thanosHttp,
    dataDir: PATHS.thanosData,
    objstoreConfigFile: PATHS.objstoreFile,
    retention: config.bucketRetention,
  });
}
