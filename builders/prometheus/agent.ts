/**
 * Prometheus in agent mode, for a region whose `ingestion.mode` is remote-write: it scrapes as a sharded
 * Prometheus does (the same jobs, the same external labels, a replica label per pod) but keeps only a
 * write-ahead log and sends every sample to the global tier's Thanos Receive. An agent evaluates no rules and
 * serves no /federate and no query API: the global tier's Thanos Ruler evaluates the region's rules
 * (builders/thanos/rule.ts). Prometheus refuses `rule_files` and `alerting` in agent mode, so neither is here.
 */
import { PORTS } from "../regional/layout";
import { type PrometheusArgsParams, reloadMethodFor } from "./args";
import { type PrometheusConfigParams, prometheusConfig } from "./config";
import type { PrometheusConfig, TlsConfig } from "./types";

/** Where the agent writes: Thanos Receive's remote-write endpoint, over mutual TLS. */
export interface RemoteWriteTarget {
  /** `host:port` of the global tier's Receive ingress (the `ingestion.receiveEndpoint` key). */
  readonly endpoint: string;
  /** The Receive server name verified in its certificate. */
  readonly serverName: string;
  /** The CA Receive's certificate chains to, and the region's client certificate (its CN is the tenant). */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Thanos Receive's remote-write path (pkg/receive/handler.go). */
export const RECEIVE_PATH = "/api/v1/receive";

export interface RemoteWriteConfig {
  readonly name: string;
  readonly url: string;
  readonly remote_timeout: string;
  readonly tls_config: TlsConfig;
  readonly queue_config: {
    readonly capacity: number;
    readonly max_shards: number;
    readonly max_samples_per_send: number;
    readonly batch_send_deadline: string;
    readonly min_backoff: string;
    readonly max_backoff: string;
  };
}

export type AgentConfig = Omit<PrometheusConfig, "rule_files" | "alerting" | "global"> & {
  readonly global: Omit<PrometheusConfig["global"], "evaluation_interval">;
  readonly remote_write: readonly RemoteWriteConfig[];
};

export interface AgentConfigParams extends PrometheusConfigParams {
  readonly remoteWrite: RemoteWriteTarget;
}

/** The remote-write entry of an agent (and of nothing else): Receive's endpoint with the region's client certificate. */
export function remoteWriteConfig(target: RemoteWriteTarget): RemoteWriteConfig {
  if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(target.endpoint))
    throw new Error(`remote write: '${target.endpoint}' is not a host:port endpoint`);
  return {
    name: "thanos-receive",
    url: `https://${target.endpoint}${RECEIVE_PATH}`,
    remote_timeout: "30s",
    tls_config: {
      ca_file: target.caFile,
      cert_file: target.certFile,
      key_file: target.keyFile,
      server_name: target.serverName,
    },
    // Backoff up to 5s: after an outage the agent resends its write-ahead log quickly, in requests well under
    // the tenant's per-request limits (builders/thanos/receive.ts).
    queue_config: {
      capacity: 10_000,
      max_shards: 50,
      max_samples_per_send: 2000,
      batch_send_deadline: "5s",
      min_backoff: "30ms",
      max_backoff: "5s",
    },
  };
}

/**
 * One agent's config: the shard's scrape jobs and external labels as in sidecar mode (no sidecar job: there is
 * no sidecar), and the remote write to Receive.
 */
export function agentConfig(p: AgentConfigParams): AgentConfig {
  const { global, scrape_configs } = prometheusConfig({
    ...p,
    localPorts: { web: p.localPorts?.web ?? PORTS.prometheusWeb },
  });
  const { evaluation_interval: _evaluation, ...scrapeGlobal } = global;
  return { global: scrapeGlobal, scrape_configs, remote_write: [remoteWriteConfig(p.remoteWrite)] };
}

export type AgentArgsParams = Omit<PrometheusArgsParams, "retentionSize" | "blockDuration" | "alertResendDelay">;

/**
 * `prometheus --agent`: the write-ahead log in `dataDir`, kept while Receive cannot be reached for at most
 * `retention` (then the oldest samples are dropped: the link must be back before). The web server serves
 * probes and the self-scrape, HTTPS with basic auth as in sidecar mode.
 */
export function agentArgs(p: AgentArgsParams): string[] {
  return [
    "--agent",
    `--config.file=${p.configFile}`,
    `--web.config.file=${p.webConfigFile}`,
    `--web.listen-address=${p.listenAddress}`,
    ...(reloadMethodFor(p.listenAddress) === "http" ? ["--web.enable-lifecycle"] : []),
    `--storage.agent.path=${p.dataDir}`,
    `--storage.agent.retention.max-time=${p.retention}`,
  ];
}
