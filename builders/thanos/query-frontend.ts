import { httpAddressArgs, thanosArgs } from "./common";

/**
 * Thanos Query Frontend in front of Thanos Query: splits long range queries by day, caches results
 * (./response-cache.ts), and serves HTTPS with basic auth (`--http.config`, the exporter-toolkit web config of
 * builders/alertmanager/web-config.ts) since it is what users reach through a load balancer and Grafana.
 */
export interface QueryFrontendArgsParams {
  readonly downstreamUrl: string;
  /** `host:port` the frontend serves on. */
  readonly httpAddress: string;
  readonly httpConfigFile: string;
  readonly responseCacheConfigFile: string;
  readonly splitInterval: string;
  /**
   * Vertical sharding (`--query-frontend.vertical-shards`): each shardable query is cut into this many by series
   * hash and run in parallel on Query. Absent or 1: off (the benchmark's query path says when it pays).
   */
  readonly verticalShards?: number;
}

/**
 * The `handler` label of the frontend's `http_requests_total` and `http_request_duration_seconds`: it
 * instruments every path it serves (instant and range queries, labels, series) as this one handler
 * (`cmd/thanos/query_frontend.go` at v0.42.4).
 */
export const QUERY_FRONTEND_HANDLER = "query-frontend";

export function queryFrontendArgs(p: QueryFrontendArgsParams): string[] {
  if (p.verticalShards !== undefined && (!Number.isInteger(p.verticalShards) || p.verticalShards < 1))
    throw new Error(
      `the Query Frontend's vertical shards must be a whole number of at least 1, got ${p.verticalShards}`,
    );
  return thanosArgs("query-frontend", httpAddressArgs(p.httpAddress), [
    `--http.config=${p.httpConfigFile}`,
    `--query-frontend.downstream-url=${p.downstreamUrl}`,
    `--query-range.split-interval=${p.splitInterval}`,
    `--query-range.response-cache-config-file=${p.responseCacheConfigFile}`,
    "--query-range.max-retries-per-request=3",
    "--query-frontend.compress-responses",
    ...(p.verticalShards !== undefined && p.verticalShards > 1
      ? [`--query-frontend.vertical-shards=${p.verticalShards}`]
      : []),
  ]);
}
