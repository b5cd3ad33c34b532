import { ALERTMANAGER_SCRAPE_JOB } from "../../federation/config";
import { q, graph, single, stackDashboard } from "./helpers";

/**
 * The global Alertmanager mesh, scraped by the federation Prometheus pair (whose two copies Thanos Query
 * deduplicates): alerts, notifications and the gossip cluster, per peer.
 */
export function alertmanagerDashboard() {
  const am = `job="${ALERTMANAGER_SCRAPE_JOB}"`;
  const rate = (metric: string) => `rate(${metric}{${am}}[$__rate_interval])`;
  return stackDashboard({
    uid: "alertmanager",
    title: "Alertmanager",
    description: "Alerts, notifications and cluster members of the global Alertmanager mesh.",
    scope: "global",
    sections: [
      {
        title: "Mesh",
        panels: [
          single(
            "Peers up",
            "short",
            "Alertmanager peers answering the federation's scrapes.",
            q(`count(up{${am}} == 1)`, "peers"),
          ),
          single(
            "Members seen (min)",
            "short",
            "The fewest peers any Alertmanager sees in the gossip cluster.",
            q(`min(alertmanager_cluster_members{${am}})`, "members"),
          ),
          single(
            "Active alerts",
            "short",
            "Alerts the mesh holds as active (one peer's view).",
            q(`max(alertmanager_alerts{${am}, state="active"})`, "active"),
          ),
          single(
            "Silenced alerts",
            "short",
            "Alerts suppressed by a silence or an inhibition (one peer's view).",
            q(`max(alertmanager_alerts{${am}, state="suppressed"})`, "suppressed"),
          ),
        ],
      },
      {
        title: "Alerts and notifications",
        panels: [
          graph(
            "Alerts received",
            "ops",
            "Alerts per second each peer receives from the Prometheus servers, and invalid ones.",
            [
              q(`sum by (instance) (${rate("alertmanager_alerts_received_total")})`, "{{instance}}"),
              q(`sum by (instance) (${rate("alertmanager_alerts_invalid_total")})`, "{{instance}} invalid"),
            ],
          ),
          graph(
            "Notifications sent",
            "ops",
            "Notifications per second by integration (webhook, email, ...), all peers.",
            [q(`sum by (integration) (${rate("alertmanager_notifications_total")})`, "{{integration}}")],
          ),
          graph("Notifications failed", "ops", "Notifications per second that failed, by integration and reason.", [
            q(
              `sum by (integration, reason) (${rate("alertmanager_notifications_failed_total")})`,
              "{{integration}} {{reason}}",
            ),
          ]),
          graph("Notification latency", "s", "99th percentile of the time a notification takes, by integration.", [
            q(
              `histogram_quantile(0.99, sum by (integration, le) (${rate("alertmanager_notification_latency_seconds_bucket")}))`,
              "{{integration}}",
            ),
          ]),
        ],
      },
      {
        title: "Cluster",
        panels: [
          graph("Cluster members", "short", "Peers each Alertmanager sees in the gossip cluster; all should see all.", [
            q(`alertmanager_cluster_members{${am}}`, "{{instance}}"),
          ]),
          graph(
            "Failed peers and health",
            "short",
            "Peers each Alertmanager cannot reach, and its gossip health score (0 is healthy).",
            [
              q(`alertmanager_cluster_failed_peers{${am}}`, "{{instance}} failed peers"),
              q(`alertmanager_cluster_health_score{${am}}`, "{{instance}} health score"),
            ],
          ),
          graph("Gossip messages", "ops", "Gossip messages each peer sends and receives per second.", [
            q(`sum by (instance) (${rate("alertmanager_cluster_messages_sent_total")})`, "{{instance}} sent"),
            q(`sum by (instance) (${rate("alertmanager_cluster_messages_received_total")})`, "{{instance}} received"),
          ]),
          graph(
            "Configuration reloaded",
            "bool",
            "1 when each peer's last configuration reload succeeded.",
            [q(`alertmanager_config_last_reload_successful{${am}}`, "{{instance}}")],
            { max: 1 },
          ),
        ],
      },
    ],
  });
}
