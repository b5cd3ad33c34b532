/**
 * A remote-write region's agents bound to a layout: the command line and the config each agent pod runs with.
 * The clusters bind the pods' paths (CLUSTER_AGENT_POD, CLUSTER_REMOTE_WRITE_TLS), the local topology its own
 * files and ports, so both run the agents through these functions. Which region writes where is the config's
 * `ingestion` section; the rest is the sidecar mode's (builders/regional/plan.ts regionalPrometheusParams), so
 * both modes scrape the same targets with the same labels.
 */
import type { RegionalStackConfig } from "../../config/types";
import type { PrometheusConfigParams } from "../prometheus/config";
import { type AgentConfig, agentArgs, agentConfig } from "../prometheus/agent";
import { PATHS, PORTS, RECEIVE_TLS_SERVER_NAME } from "./layout";
import { type RegionalPlan, regionalPrometheusParams } from "./plan";

/** One agent pod's own addresses and paths: every pod has the same in a cluster, each local one its own. */
export interface AgentPodLayout {
  readonly listenAddress: string;
  readonly configFile: string;
  readonly webConfigFile: string;
  readonly dataDir: string;
}

/** What an agent presents to Receive and checks Receive's certificate with. */
export interface RemoteWriteTls {
  /** The CA Receive's certificate chains to (the one chain of the global tier every region trusts). */
  readonly caFile: string;
  /** The region's client certificate, whose common name is its tenant. */
  readonly certFile: string;
  readonly keyFile: string;
}

/** The agent listens on every interface, as Prometheus does in sidecar mode (probes, the self-scrape). */
export const CLUSTER_AGENT_POD: AgentPodLayout = {
  listenAddress: `0.0.0.0:${PORTS.prometheusWeb}`,
  configFile: PATHS.configOutFile,
  webConfigFile: PATHS.webConfigFile,
  dataDir: PATHS.agentData,
};

export const CLUSTER_REMOTE_WRITE_TLS: RemoteWriteTls = {
  caFile: PATHS.alertingCaFile,
  certFile: PATHS.remoteWriteCertFile,
  keyFile: PATHS.remoteWriteKeyFile,
};

export function isRemoteWrite(config: Pick<RegionalStackConfig, "ingestion">): boolean {
  return config.ingestion.mode === "remote-write";
}

function receiveEndpoint(config: RegionalStackConfig): string {
  const endpoint = config.ingestion.receiveEndpoint;
  if (!isRemoteWrite(config) || endpoint === undefined)
    throw new Error(
      `stack '${config.stack}': an agent needs ingestion.mode remote-write and ingestion.receiveEndpoint (config/rules.ts checks)`,
    );
  return endpoint;
}

export function agentWorkloadArgs(config: RegionalStackConfig, pod: AgentPodLayout): string[] {
  receiveEndpoint(config);
  return agentArgs({
    configFile: pod.configFile,
    webConfigFile: pod.webConfigFile,
    dataDir: pod.dataDir,
    retention: config.ingestion.walRetention,
    listenAddress: pod.listenAddress,
  });
}

export function regionalAgentArgs(config: RegionalStackConfig): string[] {
  return agentWorkloadArgs(config, CLUSTER_AGENT_POD);
}

/**
 * One agent's config from the shard's Prometheus parameters (regionalPrometheusParams, with the local
 * topology's ports, files and static stand-ins where it runs), writing to the config's Receive endpoint.
 */
export function agentWorkloadConfig(
  config: RegionalStackConfig,
  params: PrometheusConfigParams,
  tls: RemoteWriteTls,
): AgentConfig {
  return agentConfig({
    ...params,
    remoteWrite: { endpoint: receiveEndpoint(config), serverName: RECEIVE_TLS_SERVER_NAME, ...tls },
  });
}

/** One agent pod's config (`replica` the replica label's value, `$(POD_NAME)` in the clusters' template). */
export function regionalAgentConfig(
  config: RegionalStackConfig,
  plan: RegionalPlan,
  clusterName: string,
  shard: number,
  replica: string,
): AgentConfig {
  return agentWorkloadConfig(
    config,
    regionalPrometheusParams(config, plan, clusterName, shard, replica),
    CLUSTER_REMOTE_WRITE_TLS,
  );
}
