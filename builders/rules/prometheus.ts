import type { AlertingRule, RuleGroup } from "./types";

/**
 * Alerts on a Prometheus server, read from its own metrics (job `job`, each server scraping itself), written
 * after what the prometheus-mixin covers. There are none on remote storage: no Prometheus here remote-writes;
 * the Thanos sidecar ships blocks, and its alerts are in ./thanos.ts.
 */
export function prometheusAlerts(job: string): RuleGroup<AlertingRule> {
  const self = `job="${job}"`;
  return {
    name: "prometheus",
    rules: [
      {
        alert: "PrometheusBadConfig",
        // max_over_time: one scrape that finds the flag already reset does not hide a failed reload.
        expr: `max_over_time(prometheus_config_last_reload_successful{${self}}[5m]) == 0`,
        for: "10m",
        labels: { severity: "critical" },
        annotations: {
          summary: "Prometheus failed to reload its configuration.",
          description:
            "{{ $labels.instance }} has rejected its configuration for 10 minutes: it runs on the last one it accepted, and the next restart fails.",
        },
      },
      {
        alert: "PrometheusRuleEvaluationFailures",
        expr: `increase(prometheus_rule_evaluation_failures_total{${self}}[10m]) > 0`,
        labels: { severity: "critical" },
        annotations: {
          summary: "Prometheus fails to evaluate rules.",
          description:
            "Evaluations of rule group {{ $labels.rule_group }} failed in the last 10 minutes: recording rules and alerts are missing.",
        },
      },
      {
        alert: "PrometheusMissingRuleEvaluations",
        expr: `increase(prometheus_rule_group_iterations_missed_total{${self}}[5m]) > 0`,
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "Prometheus skips rule group evaluations.",
          description:
            "Rule group {{ $labels.rule_group }} takes longer than its interval to evaluate: evaluations are skipped and its alerts fire late.",
        },
      },
      {
        alert: "PrometheusScrapeLimitExceeded",
        expr:
          `increase(prometheus_target_scrapes_exceeded_sample_limit_total{${self}}[10m]) > 0` +
          ` or increase(prometheus_target_scrape_pool_exceeded_label_limits_total{${self}}[10m]) > 0`,
        labels: { severity: "warning" },
        annotations: {
          summary: "Scrapes are rejected for exceeding sample_limit or label_limit.",
          description:
            "{{ $labels.instance }} dropped whole scrapes in the last 10 minutes: a target grew past its limits (cardinality).",
        },
      },
      {
        alert: "PrometheusTargetSyncFailure",
        expr: `increase(prometheus_target_sync_failed_total{${self}}[30m]) > 0`,
        for: "5m",
        labels: { severity: "critical" },
        annotations: {
          summary: "Prometheus cannot turn discovered targets into scrapes.",
          description:
            "Scrape pool {{ $labels.scrape_job }} failed to sync its targets in the last 30 minutes: they are not scraped.",
        },
      },
      {
        alert: "PrometheusTSDBCompactionsFailing",
        // The head is compacted into a block every block duration (2h): a failure grows memory and the WAL.
        expr: `increase(prometheus_tsdb_compactions_failed_total{${self}}[3h]) > 0`,
        for: "4h",
        labels: { severity: "warning" },
        annotations: {
          summary: "Prometheus fails to compact its TSDB.",
          description:
            "{{ $labels.instance }} failed {{ $value | humanize }} compactions in the last 3 hours: no new blocks are cut, so none is uploaded either.",
        },
      },
      {
        alert: "PrometheusTSDBReloadsFailing",
        expr: `increase(prometheus_tsdb_reloads_failures_total{${self}}[3h]) > 0`,
        for: "4h",
        labels: { severity: "warning" },
        annotations: {
          summary: "Prometheus fails to reload its TSDB blocks from disk.",
          description: "{{ $labels.instance }} failed {{ $value | humanize }} block reloads in the last 3 hours.",
        },
      },
      {
        alert: "PrometheusNotificationQueueRunningFull",
        expr: `predict_linear(prometheus_notifications_queue_length{${self}}[5m], 30 * 60) > min_over_time(prometheus_notifications_queue_capacity{${self}}[5m])`,
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "The queue of alerts to send to Alertmanager is filling up.",
          description:
            "{{ $labels.instance }}'s alert notification queue will be full within 30 minutes: alerts will be dropped.",
        },
      },
      {
        alert: "PrometheusErrorSendingAlertsToSomeAlertmanagers",
        expr: `rate(prometheus_notifications_errors_total{${self}}[5m]) / rate(prometheus_notifications_sent_total{${self}}[5m]) > 0.01`,
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "Prometheus fails to send alerts to an Alertmanager.",
          description:
            "{{ $value | humanizePercentage }} of the alerts {{ $labels.instance }} sends to Alertmanager {{ $labels.alertmanager }} fail.",
        },
      },
    ],
  };
}
