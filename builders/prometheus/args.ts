/**
 * Prometheus' command line. While a Thanos sidecar uploads, local compaction must be off: min and max block
 * durations equal (2h) so every block the sidecar ships is an untouched 2h block (Thanos sidecar docs). These
 * two flags are hidden in `--help` but accepted by Prometheus 2.x and 3.x.
 */
export const SIDECAR_BLOCK_DURATION = "2h";

export interface PrometheusArgsParams {
  readonly configFile: string;
  readonly webConfigFile: string;
  readonly dataDir: string;
  readonly retention: string;
  /** `host:port` of the web server (HTTPS with basic auth). */
  readonly listenAddress: string;
  /** Both block durations: 2h in the clusters (SIDECAR_BLOCK_DURATION); the local topology uses seconds. */
  readonly blockDuration: string;
  /** How soon a firing alert is sent again (Prometheus' default of 1m unless given). */
  readonly alertResendDelay?: string;
}

export function prometheusArgs(p: PrometheusArgsParams): string[] {
  return [
    `--config.file=${p.configFile}`,
    `--web.config.file=${p.webConfigFile}`,
    `--web.listen-address=${p.listenAddress}`,
    // The sidecar's reloader asks for a reload with POST /-/reload.
    "--web.enable-lifecycle",
    `--storage.tsdb.path=${p.dataDir}`,
    `--storage.tsdb.retention.time=${p.retention}`,
    `--storage.tsdb.min-block-duration=${p.blockDuration}`,
    `--storage.tsdb.max-block-duration=${p.blockDuration}`,
    ...(p.alertResendDelay ? [`--rules.alert.resend-delay=${p.alertResendDelay}`] : []),
  ];
}
