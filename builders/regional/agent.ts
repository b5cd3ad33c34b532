/**
 * A remote-write region's agents bound to the in-pod layout: the command line and the config each agent pod
 * runs with. Which region writes where is the config's `ingestion` section; the rest is the sidecar mode's
 * (builders/regional/plan.ts regionalPrometheusParams), so both modes scrape the same targets with the same
 * labels.
 */
import type { RegionalStackConfig } from "../../config/types";
import { type AgentConfig, agentArgs, agentConfig } from "../prometheus/agent";
import { PATHS, PORTS, RECEIVE_TLS_SERVER_NAME } from "./layout";
import { type RegionalPlan, regionalPrometheusParams } from "./plan";

/** The agent listens on every interface, as Prometheus does in sidecar mode (probes, the self-scrape). */
const AGENT_LISTEN_ADDRESS = `0.0.0.0:${PORTS.prometheusWeb}`;

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

export function regionalAgentArgs(config: RegionalStackConfig): string[] {
  receiveEndpoint(config);
  return agentArgs({
    configFile: PATHS.configOutFile,
    webConfigFile: PATHS.webConfigFile,
    dataDir: PATHS.agentData,
    retention: config.ingestion.walRetention,
    listenAddress: AGENT_LISTEN_ADDRESS,
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
  return agentConfig({
    ...regionalPrometheusParams(config, plan, clusterName, shard, replica),
    remoteWrite: {
      endpoint: receiveEndpoint(config),
      serverName: RECEIVE_TLS_SERVER_NAME,
      caFile: PATHS.alertingCaFile,
      certFile: PATHS.remoteWriteCertFile,
      keyFile: PATHS.remoteWriteKeyFile,
    },
  });
}
