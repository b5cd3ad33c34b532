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
  readonly port: number;
}

export function prometheusArgs(p: PrometheusArgsParams): string[] {
  return [
    `--config.file=${p.configFile}`,
    `--web.config.file=${p.webConfigFile}`,
    `--web.listen-address=0.0.0.0:${p.port}`,
    // No --web.enable-lifecycle: /-/quit and /-/reload would be reachable wherever the web port is (the
    // federation load balancers). The sidecar's reloader sends SIGHUP instead (builders/thanos/sidecar.ts).
    `--storage.tsdb.path=${p.dataDir}`,
    `--storage.tsdb.retention.time=${p.retention}`,
    ...(p.retentionSize === undefined ? [] : [`--storage.tsdb.retention.size=${p.retentionSize}`]),
    `--storage.tsdb.min-block-duration=${SIDECAR_BLOCK_DURATION}`,
    `--storage.tsdb.max-block-duration=${SIDECAR_BLOCK_DURATION}`,
  ];
}
