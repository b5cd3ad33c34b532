/**
 * One local region in remote-write mode: its agents (the shards' Prometheus in agent mode, no sidecar, no
 * gateway, no bucket), started through the agent wiring the clusters bind (builders/regional/agent.ts), each
 * presenting the region's client certificate (common name: the region, its tenant) to the Receive ingress.
 */
import * as path from "node:path";
import { type AgentPodLayout, type RemoteWriteTls, agentWorkloadArgs } from "../builders/regional/agent";
import type { PrometheusFiles } from "../builders/prometheus/config";
import { FEDERATION_USERNAME } from "../builders/regional/layout";
import { regionalWebConfig } from "../builders/regional/workload-config";
import { toYaml } from "../builders/yaml";
import type { Binaries } from "./binaries";
import type { ServerAccess } from "./client";
import type { Pki } from "./pki";
import type { LocalWritingRegion } from "./plan";
import { address } from "./ports";
import { type AlertingTrust, exporters, regionTls } from "./render-region";
import { type Credentials, credentials, write } from "./render-support";
import { writeAgentConfig } from "./shard-configs";
import type { ProcessSpec } from "./supervisor";

export interface RenderedWritingRegion {
  readonly agentSpecs: readonly ProcessSpec[];
  readonly exporters: readonly ProcessSpec[];
  /** Every agent's web endpoint (probes, its own metrics), by process name. */
  readonly agents: ReadonlyMap<string, ServerAccess>;
  /** The region's CA: Receive admits the client certificates it signs. */
  readonly caFile: string;
  /** The user the region's alerts are sent as (by its Rulers here, as in the global tier). */
  readonly alerting: Credentials;
}

/** Writes one remote-write region's files and returns its agents and exporters. */
export function renderWritingRegion(
  region: LocalWritingRegion,
  pki: Pki,
  trust: AlertingTrust,
  binaries: Binaries,
): RenderedWritingRegion {
  const dir = region.dir;
  const tls = regionTls(region, pki);
  // As the regional stack issues it: signed by the region's CA, the common name alone names the tenant.
  const client = pki.client(`${region.name}-remote-write-client`, tls.ca, region.name, [region.name]);
  const remoteWriteTls: RemoteWriteTls = {
    caFile: trust.caByRegion.get(region.name) as string,
    certFile: client.cert,
    keyFile: client.key,
  };
  const federation = credentials(FEDERATION_USERNAME, path.join(dir, "secrets", "federation-password"));
  const alerting = credentials(region.plan.alertingUsername, path.join(dir, "secrets", "alerting-password"));
  trust.users.set(alerting.username, alerting);
  const webConfigFile = write(
    path.join(dir, "web-config.yaml"),
    toYaml(
      regionalWebConfig(
        { tls: { certFile: tls.server.cert, keyFile: tls.server.key, clientCaFile: tls.ca.cert } },
        federation.bcryptHash,
      ),
    ),
  );
  // An agent reads only the self-scrape's credentials of these; the config type names every file.
  const unused = (name: string) => path.join(dir, "secrets", `unused-in-agent-mode-${name}`);
  const files: PrometheusFiles = {
    rulesGlob: unused("rules"),
    federationPasswordFile: federation.passwordFile,
    tlsCaFile: tls.ca.cert,
    alertingPasswordFile: unused("alerting-password"),
    alertingCaFile: unused("alerting-ca"),
    alertmanagerTargetsFile: unused("alertmanagers"),
    serviceAccountTokenFile: unused("service-account-token"),
    serviceAccountCaFile: unused("service-account-ca"),
    teamCredentialsDir: unused("team-credentials"),
  };
  const agents = new Map<string, ServerAccess>();
  const agentSpecs = region.agents.map((agent): ProcessSpec => {
    const { configFile } = writeAgentConfig(region, agent, files, remoteWriteTls);
    const pod: AgentPodLayout = {
      listenAddress: address(agent.port),
      configFile,
      webConfigFile,
      dataDir: path.join(agent.dir, "data"),
    };
    agents.set(agent.name, {
      url: `https://${address(agent.port)}`,
      caFile: tls.ca.cert,
      username: federation.username,
      passwordFile: federation.passwordFile,
    });
    return { name: agent.name, command: binaries.prometheus, args: agentWorkloadArgs(region.config, pod) };
  });
  return { agentSpecs, exporters: exporters(region, binaries), agents, caFile: tls.ca.cert, alerting };
}
