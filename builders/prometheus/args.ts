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
  /**
   * `--storage.tsdb.retention.size` (builders/sizing `retentionSize`): where the volume's size is known, a
   * full disk makes Prometheus drop its oldest blocks instead of stopping. The local topology has no volume.
   */
  readonly retentionSize?: string;
  /** `host:port` of the web server (HTTPS with basic auth). */
  readonly listenAddress: string;
  /** Both block durations: 2h in the clusters (SIDECAR_BLOCK_DURATION); the local topology uses seconds. */
  readonly blockDuration: string;
  /** How soon a firing alert is sent again (Prometheus' default of 1m unless given). */
  readonly alertResendDelay?: string;
}

/** How the Thanos sidecar's reloader makes Prometheus reload (`--reloader.method`). */
export type ReloadMethod = "signal" | "http";

/** A listen address only the host itself reaches. */
function loopbackOnly(listenAddress: string): boolean {
  const host = listenAddress.slice(0, listenAddress.lastIndexOf(":"));
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
}

/**
 * The lifecycle API (`--web.enable-lifecycle`) serves /-/quit and /-/reload on the web port, so it is on
 * only where that port is loopback-only (the local topology, where the reloader reloads over HTTP: a signal
 * by process name could reach another Prometheus of the same host). Wherever the port is reachable from
 * outside (the federation load balancers), the sidecar sends SIGHUP instead, in a shared process namespace.
 */
export function reloadMethodFor(listenAddress: string): ReloadMethod {
  return loopbackOnly(listenAddress) ? "http" : "signal";
}

export function prometheusArgs(p: PrometheusArgsParams): string[] {
  return [
    `--config.file=${p.configFile}`,
    `--web.config.file=${p.webConfigFile}`,
    `--web.listen-address=${p.listenAddress}`,
    ...(reloadMethodFor(p.listenAddress) === "http" ? ["--web.enable-lifecycle"] : []),
    `--storage.tsdb.path=${p.dataDir}`,
    `--storage.tsdb.retention.time=${p.retention}`,
    ...(p.retentionSize === undefined ? [] : [`--storage.tsdb.retention.size=${p.retentionSize}`]),
    `--storage.tsdb.min-block-duration=${p.blockDuration}`,
    `--storage.tsdb.max-block-duration=${p.blockDuration}`,
    ...(p.alertResendDelay ? [`--rules.alert.resend-delay=${p.alertResendDelay}`] : []),
  ];
}
