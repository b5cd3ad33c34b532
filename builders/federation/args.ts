/**
 * The federation Prometheus' command line. Its Thanos sidecar uploads nothing (it serves the TSDB as a
 * StoreAPI only), so local compaction stays on and block durations are Prometheus' own.
 */
export interface FederationArgsParams {
  readonly configFile: string;
  readonly dataDir: string;
  readonly retention: string;
  /** `host:port` of the web server. */
  readonly listenAddress: string;
  /** How soon a firing alert is sent again (Prometheus' default of 1m unless given). */
  readonly alertResendDelay?: string;
  /**
   * Accept remote writes (`/api/v1/write`): the remote-write regions' Rulers write their recorded series here,
   * since an agent serves no `/federate`. Off while every region runs sidecars.
   */
  readonly remoteWriteReceiver?: boolean;
}

export function federationPrometheusArgs(p: FederationArgsParams): string[] {
  return [
    `--config.file=${p.configFile}`,
    `--storage.tsdb.path=${p.dataDir}`,
    `--storage.tsdb.retention.time=${p.retention}`,
    `--web.listen-address=${p.listenAddress}`,
    ...(p.alertResendDelay ? [`--rules.alert.resend-delay=${p.alertResendDelay}`] : []),
    ...(p.remoteWriteReceiver ? ["--web.enable-remote-write-receiver"] : []),
  ];
}

/** How long the federation keeps the global series the dashboards read. */
export const FEDERATION_RETENTION = "15d";
