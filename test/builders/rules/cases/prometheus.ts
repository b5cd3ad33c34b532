/** `promtool test rules` cases of the Prometheus alerts (builders/rules/prometheus.ts) the stack's own suite does not cover. */
import { STACK_JOBS } from "../../../../builders/regional/plan";
import type { TestGroup, expectations } from "../../../support/alert-tests";

type Firing = ReturnType<typeof expectations>;

const SELF = { job: STACK_JOBS.prometheus, instance: "localhost:9090" };
const series = (name: string, labels: Record<string, string> = {}) =>
  `${name}{${Object.entries({ ...SELF, ...labels }).map(([k, v]) => `${k}="${v}"`).join(",")}}`;

/** A counter that grows by one every sample from the start, and one that never moves, under the same alert. */
function failingCounter(firing: Firing, alert: string, counter: string, value: string): TestGroup {
  return {
    name: `${alert}: ${counter} grows every 10 minutes`,
    interval: "10m",
    input_series: [{ series: series(counter), values: "0+1x40" }],
    alert_rule_test: [
      { eval_time: "3h", alertname: alert, exp_alerts: [] },
      { eval_time: "6h", alertname: alert, exp_alerts: [firing(alert, SELF, value)] },
    ],
  };
}

export function prometheusCases(firing: Firing): TestGroup[] {
  const groupLabel = { rule_group: "/etc/prometheus/rules/alerts.yaml;kubernetes" };
  const am0 = { alertmanager: "https://alertmanager-0:9093/api/v2/alerts" };
  const am1 = { alertmanager: "https://alertmanager-1:9093/api/v2/alerts" };
  return [
    {
      name: "a config reload fails and is not retried successfully",
      interval: "1m",
      input_series: [{ series: series("prometheus_config_last_reload_successful"), values: "1x5 0x30" }],
      alert_rule_test: [
        { eval_time: "10m", alertname: "PrometheusBadConfig", exp_alerts: [] },
        { eval_time: "25m", alertname: "PrometheusBadConfig", exp_alerts: [firing("PrometheusBadConfig", SELF)] },
      ],
    },
    {
      name: "a rule group misses an evaluation every minute",
      interval: "1m",
      input_series: [{ series: series("prometheus_rule_group_iterations_missed_total", groupLabel), values: "0x5 1+1x30" }],
      alert_rule_test: [
        { eval_time: "5m", alertname: "PrometheusMissingRuleEvaluations", exp_alerts: [] },
        { eval_time: "25m", alertname: "PrometheusMissingRuleEvaluations", exp_alerts: [firing("PrometheusMissingRuleEvaluations", { ...SELF, ...groupLabel })] },
      ],
    },
    {
      name: "the kubelet scrape pool fails to sync once",
      interval: "1m",
      input_series: [{ series: series("prometheus_target_sync_failed_total", { scrape_job: "kubelet" }), values: "0x5 1x40" }],
      alert_rule_test: [
        { eval_time: "3m", alertname: "PrometheusTargetSyncFailure", exp_alerts: [] },
        { eval_time: "15m", alertname: "PrometheusTargetSyncFailure", exp_alerts: [firing("PrometheusTargetSyncFailure", { ...SELF, scrape_job: "kubelet" })] },
      ],
    },
    failingCounter(firing, "PrometheusTSDBCompactionsFailing", "prometheus_tsdb_compactions_failed_total", "18"),
    failingCounter(firing, "PrometheusTSDBReloadsFailing", "prometheus_tsdb_reloads_failures_total", "18"),
    {
      name: "the notification queue grows by 500 a minute towards its capacity of 10000",
      interval: "1m",
      input_series: [
        { series: series("prometheus_notifications_queue_length"), values: "0+500x30" },
        { series: series("prometheus_notifications_queue_capacity"), values: "10000x30" },
      ],
      alert_rule_test: [
        { eval_time: "10m", alertname: "PrometheusNotificationQueueRunningFull", exp_alerts: [] },
        { eval_time: "20m", alertname: "PrometheusNotificationQueueRunningFull", exp_alerts: [firing("PrometheusNotificationQueueRunningFull", SELF)] },
      ],
    },
    {
      name: "5% of the alerts sent to one Alertmanager fail, none to another",
      interval: "1m",
      input_series: [
        { series: series("prometheus_notifications_sent_total", am0), values: "0+100x30" },
        { series: series("prometheus_notifications_errors_total", am0), values: "0+5x30" },
        { series: series("prometheus_notifications_sent_total", am1), values: "0+100x30" },
        { series: series("prometheus_notifications_errors_total", am1), values: "0x30" },
      ],
      alert_rule_test: [
        { eval_time: "10m", alertname: "PrometheusErrorSendingAlertsToSomeAlertmanagers", exp_alerts: [] },
        { eval_time: "25m", alertname: "PrometheusErrorSendingAlertsToSomeAlertmanagers", exp_alerts: [firing("PrometheusErrorSendingAlertsToSomeAlertmanagers", { ...SELF, ...am0 }, "5%")] },
      ],
    },
  ];
}
