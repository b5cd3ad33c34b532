import { SCRAPE_JOBS } from "../../prometheus/scrape-jobs";
import { IN_REGION, q, graph, regionVariables, stackDashboard } from "./helpers";

/**
 * The region's Prometheus shards, from their own metrics (each replica scrapes itself). Thanos Query
 * deduplicates the replicas of a shard, so every panel shows one series per shard; a replica's own trouble
 * is for the alerts, which see each replica.
 */
export function prometheusDashboard() {
  const self = `job="${SCRAPE_JOBS.prometheus}", ${IN_REGION}`;
  const rate = (metric: string) => `rate(${metric}{${self}}[$__rate_interval])`;
  const perShard = (expr: string) => `sum by (shard) (${expr})`;
  return stackDashboard({
    uid: "prometheus",
    title: "Prometheus",
    description:
      "Ingestion, series, scrapes, rule evaluation, notifications and TSDB of one region's Prometheus shards.",
    scope: "region",
    variables: regionVariables(),
    sections: [
      {
        title: "Ingestion",
        panels: [
          graph("Samples appended", "short", "Samples per second each shard writes to its head block.", [
            q(perShard(rate("prometheus_tsdb_head_samples_appended_total")), "shard {{shard}}"),
          ]),
          graph("Head series", "short", "Series in each shard's head block: what its memory grows with.", [
            q(perShard(`prometheus_tsdb_head_series{${self}}`), "shard {{shard}}"),
          ]),
          graph(
            "Slowest scrape by job",
            "s",
            "Longest last scrape among each job's targets; at the timeout the scrape fails.",
            [q(`max by (job) (scrape_duration_seconds{${IN_REGION}})`, "{{job}}")],
          ),
          graph(
            "Samples by job",
            "short",
            "Samples each job's targets returned after metric relabelling.",
            [q(`sum by (job) (scrape_samples_post_metric_relabeling{${IN_REGION}})`, "{{job}}")],
            { stacked: true },
          ),
        ],
      },
      {
        title: "Rules and notifications",
        panels: [
          graph("Rule evaluations", "ops", "Rule evaluations per second, and those that failed.", [
            q(perShard(rate("prometheus_rule_evaluations_total")), "shard {{shard}}"),
            q(perShard(rate("prometheus_rule_evaluation_failures_total")), "shard {{shard}} failed"),
          ]),
          graph(
            "Rule group duration",
            "s",
            "Longest last evaluation of each rule group, against its interval (missed iterations follow above it).",
            [
              q(`max by (rule_group) (prometheus_rule_group_last_duration_seconds{${self}})`, "{{rule_group}}"),
              q(`max(prometheus_rule_group_interval_seconds{${self}})`, "interval"),
            ],
          ),
          graph(
            "Notifications",
            "ops",
            "Alerts sent to the Alertmanagers per second, failed sends and dropped alerts.",
            [
              q(perShard(rate("prometheus_notifications_sent_total")), "shard {{shard}} sent"),
              q(perShard(rate("prometheus_notifications_errors_total")), "shard {{shard}} errors"),
              q(perShard(rate("prometheus_notifications_dropped_total")), "shard {{shard}} dropped"),
            ],
          ),
          graph("Alertmanagers discovered", "short", "Alertmanagers each shard sends to: every peer of the mesh.", [
            q(`min by (shard) (prometheus_notifications_alertmanagers_discovered{${self}})`, "shard {{shard}}"),
          ]),
        ],
      },
      {
        title: "TSDB",
        panels: [
          graph("Storage", "bytes", "Bytes of persisted blocks and of the write-ahead log.", [
            q(perShard(`prometheus_tsdb_storage_blocks_bytes{${self}}`), "shard {{shard}} blocks"),
            q(perShard(`prometheus_tsdb_wal_storage_size_bytes{${self}}`), "shard {{shard}} WAL"),
          ]),
          graph(
            "Compactions and failures",
            "ops",
            "Head compactions per second (every block duration) and failed compactions, WAL writes and head truncations.",
            [
              q(perShard(rate("prometheus_tsdb_compactions_total")), "shard {{shard}} compactions"),
              q(perShard(rate("prometheus_tsdb_compactions_failed_total")), "shard {{shard}} compactions failed"),
              q(perShard(rate("prometheus_tsdb_wal_writes_failed_total")), "shard {{shard}} WAL writes failed"),
              q(perShard(rate("prometheus_tsdb_head_truncations_failed_total")), "shard {{shard}} truncations failed"),
            ],
          ),
        ],
      },
    ],
  });
}
