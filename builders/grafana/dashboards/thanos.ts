import { QUERY_FRONTEND_SCRAPE_JOB } from "../../federation/config";
import { NAMES } from "../../regional/layout";
import { QUERY_FRONTEND_HANDLER } from "../../thanos/query-frontend";
import { GLOBAL_TIER, IN_REGION, REGION_AND_CLUSTER, q, graph, regionVariables, stackDashboard } from "./helpers";

/**
 * The region's Thanos: sidecar uploads, store gateways, the compactor and the StoreAPI calls Thanos Query
 * makes into the region (read where the region serves them, the StoreAPI servers' gRPC metrics), and the
 * global Query Frontend every dashboard reads through, which the federation scrapes: its requests, errors,
 * latency and results cache, after the thanos-mixin's Query Frontend dashboard.
 */
export function thanosDashboard() {
  const store = `job="${NAMES.storeGateway}", ${IN_REGION}`;
  const compactor = `job="${NAMES.compactor}", ${IN_REGION}`;
  const rate = (metric: string, selector: string) => `rate(${metric}{${selector}}[$__rate_interval])`;
  // Thanos Query asks each StoreAPI for series with the Series call; errors are any code but OK.
  const seriesCalls = `grpc_service="thanos.Store", grpc_method="Series", ${IN_REGION}`;
  const frontend = `job="${QUERY_FRONTEND_SCRAPE_JOB}", ${GLOBAL_TIER}`;
  const frontendRequests = `${frontend}, handler="${QUERY_FRONTEND_HANDLER}"`;
  const frontendLatency = (quantile: number) =>
    q(
      `histogram_quantile(${quantile}, sum by (le) (${rate("http_request_duration_seconds_bucket", frontendRequests)}))`,
      `p${quantile * 100}`,
    );
  return stackDashboard({
    uid: "thanos",
    title: "Thanos",
    description:
      "Sidecar uploads, store gateways, the compactor and the queries into one region's StoreAPIs; the global Query Frontend in front of them.",
    scope: "region",
    variables: regionVariables(),
    sections: [
      {
        title: "Sidecar uploads",
        panels: [
          // The global rules (only the federation holds them) sum over replicas: each sidecar uploads its own
          // replica's blocks, and a per-replica failure must not disappear in Thanos Query's deduplication.
          graph(
            "Blocks uploaded",
            "ops",
            "Blocks the region's sidecars upload to its bucket, every replica's counted.",
            [
              q(`sum(global:thanos_shipper_uploads:rate5m{${REGION_AND_CLUSTER}})`, "uploads"),
              q(`sum(global:thanos_shipper_upload_failures:rate5m{${REGION_AND_CLUSTER}})`, "failures"),
            ],
          ),
          graph(
            "Bucket operations by component",
            "ops",
            "Object-store operations per second of the sidecars, store gateways and compactor, and failures.",
            [
              q(
                `sum by (job, operation) (${rate("thanos_objstore_bucket_operations_total", IN_REGION)})`,
                "{{job}} {{operation}}",
              ),
              q(
                `sum by (job, operation) (${rate("thanos_objstore_bucket_operation_failures_total", IN_REGION)}) > 0`,
                "{{job}} {{operation}} failed",
              ),
            ],
          ),
        ],
      },
      {
        title: "Store gateways and queries",
        panels: [
          graph(
            "StoreAPI Series calls",
            "ops",
            "Series requests per second from Thanos Query to the sidecars and store gateways, by result code.",
            [
              q(
                `sum by (job, grpc_code) (rate(grpc_server_handled_total{${seriesCalls}}[$__rate_interval]))`,
                "{{job}} {{grpc_code}}",
              ),
            ],
          ),
          graph(
            "StoreAPI Series latency",
            "s",
            "99th and 50th percentile of Series calls as the StoreAPI servers see them.",
            [
              q(
                `histogram_quantile(0.99, sum by (job, le) (rate(grpc_server_handling_seconds_bucket{${seriesCalls}}[$__rate_interval])))`,
                "{{job}} p99",
              ),
              q(
                `histogram_quantile(0.5, sum by (job, le) (rate(grpc_server_handling_seconds_bucket{${seriesCalls}}[$__rate_interval])))`,
                "{{job}} p50",
              ),
            ],
          ),
          graph(
            "Store gateway queries in flight",
            "short",
            "Series requests running in each store gateway, against its concurrency limit.",
            [
              q(
                `sum by (pod, instance) (thanos_bucket_store_series_gate_queries_in_flight{${store}})`,
                "{{pod}}{{instance}}",
              ),
              q(`max(thanos_bucket_store_series_gate_queries_max{${store}})`, "limit"),
            ],
          ),
          graph("Store gateway blocks", "short", "Blocks each store gateway has loaded from the bucket.", [
            q(`sum by (pod, instance) (thanos_bucket_store_blocks_loaded{${store}})`, "{{pod}}{{instance}}"),
          ]),
          graph(
            "Index cache hit ratio",
            "percentunit",
            "Share of index cache lookups each item type finds in the store gateways' cache.",
            [
              q(
                `sum by (item_type) (${rate("thanos_store_index_cache_hits_total", store)}) / sum by (item_type) (${rate("thanos_store_index_cache_requests_total", store)})`,
                "{{item_type}}",
              ),
            ],
            { max: 1 },
          ),
          graph(
            "Bucket operation latency",
            "s",
            "99th percentile of object-store operations, by component and operation.",
            [
              q(
                `histogram_quantile(0.99, sum by (job, operation, le) (${rate("thanos_objstore_bucket_operation_duration_seconds_bucket", IN_REGION)}))`,
                "{{job}} {{operation}}",
              ),
            ],
          ),
        ],
      },
      {
        title: "Compactor",
        panels: [
          graph(
            "Compactor halted",
            "bool",
            "1 when the compactor has halted on an error: nothing is compacted, downsampled or deleted until an operator acts.",
            [q(`max(thanos_compact_halted{${compactor}})`, "halted")],
            { max: 1 },
          ),
          graph("Compaction runs", "ops", "Completed compaction iterations per second, and retried ones.", [
            q(`sum(${rate("thanos_compact_iterations_total", compactor)})`, "iterations"),
            q(`sum(${rate("thanos_compact_retries_total", compactor)})`, "retries"),
          ]),
          graph("Work waiting", "short", "Compactions planned, and blocks waiting for downsampling and for deletion.", [
            q(`sum(thanos_compact_todo_compactions{${compactor}})`, "compactions"),
            q(`sum(thanos_compact_todo_downsample_blocks{${compactor}})`, "blocks to downsample"),
            q(`sum(thanos_compact_todo_deletion_blocks{${compactor}})`, "blocks to delete"),
          ]),
          graph(
            "Garbage collection",
            "ops",
            "Blocks the compactor garbage-collects per second, and failed collections.",
            [
              q(`sum(${rate("thanos_compact_garbage_collected_blocks_total", compactor)})`, "blocks collected"),
              q(`sum(${rate("thanos_compact_garbage_collection_failures_total", compactor)})`, "failures"),
            ],
          ),
        ],
      },
      {
        // The frontend serves every region: its panels are the same whichever region is picked.
        title: "Query Frontend (global)",
        panels: [
          graph(
            "Query Frontend requests",
            "reqps",
            "Requests per second Grafana and users send to the Query Frontend, every replica, by status code.",
            [q(`sum by (code) (${rate("http_requests_total", frontendRequests)})`, "{{code}}")],
          ),
          graph(
            "Query Frontend errors",
            "percentunit",
            "Share of the frontend's requests that fail with a server error, by code; empty while none fails.",
            [
              q(
                `sum by (code) (${rate("http_requests_total", `${frontendRequests}, code=~"5.."`)}) / ignoring (code) group_left () sum(${rate("http_requests_total", frontendRequests)}) > 0`,
                "{{code}}",
              ),
            ],
            { max: 1 },
          ),
          graph(
            "Query Frontend latency",
            "s",
            "99th and 50th percentile of the frontend's requests, answers from its results cache included.",
            [frontendLatency(0.99), frontendLatency(0.5)],
          ),
          graph(
            "Queries by type",
            "ops",
            "Queries per second through the frontend, by operation (instant, range, labels, series).",
            [q(`sum by (op) (${rate("thanos_query_frontend_queries_total", frontend)})`, "{{op}}")],
          ),
          graph(
            "Results cache hit ratio",
            "percentunit",
            "Share of the keys the frontend looks up in its results cache that it finds there, by kind of request.",
            [
              q(
                `sum by (tripperware) (${rate("cortex_cache_hits_total", frontend)}) / sum by (tripperware) (${rate("cortex_cache_fetched_keys_total", frontend)})`,
                "{{tripperware}}",
              ),
            ],
            { max: 1 },
          ),
          graph(
            "Results cache lookups",
            "ops",
            "Keys per second the frontend looks up in its results cache, and those it finds.",
            [
              q(
                `sum by (tripperware) (${rate("cortex_cache_fetched_keys_total", frontend)})`,
                "{{tripperware}} looked up",
              ),
              q(`sum by (tripperware) (${rate("cortex_cache_hits_total", frontend)})`, "{{tripperware}} found"),
            ],
          ),
        ],
      },
    ],
  });
}
