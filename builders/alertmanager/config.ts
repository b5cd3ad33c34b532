import type { AlertingSettings, ReceiverSettings } from "../../config/types";

/** Receiver that drops what reaches it: the Watchdog heartbeat goes there unless a route says otherwise. */
export const NULL_RECEIVER = "null";
/** The alert every Prometheus fires all the time; it proves the alerting path works end to end. */
export const WATCHDOG_ALERT = "Watchdog";
/** A critical alert silences the warning of the same alert about the same cluster and service. */
export const INHIBIT_EQUAL = ["alertname", "cluster", "service"] as const;

export interface AlertmanagerConfigParams {
  readonly alerting: AlertingSettings;
  /** Directory holding one file per receiver secret, named by the receiver's `secretKey`. */
  readonly secretsDir: string;
}

/**
 * The Alertmanager configuration: one route tree from the stack config, receivers whose URLs and keys are
 * read from files (Slack `api_url_file`, PagerDuty `routing_key_file`, webhook `url_file`), and
 * the critical-inhibits-warning rule.
 */
export function alertmanagerConfig(p: AlertmanagerConfigParams) {
  const { alerting } = p;
  return {
    global: { resolve_timeout: "5m" },
    route: {
      receiver: alerting.defaultReceiver,
      group_by: [...alerting.groupBy],
      group_wait: alerting.groupWait,
      group_interval: alerting.groupInterval,
      repeat_interval: alerting.repeatInterval,
      routes: [
        // First, so no configured route (even a catch-all) pages anyone every repeat interval for the heartbeat.
        { receiver: NULL_RECEIVER, matchers: [`alertname="${WATCHDOG_ALERT}"`] },
        ...alerting.routes.map((r) => ({ receiver: r.receiver, matchers: [...r.matchers], continue: r.continue })),
      ],
    },
    inhibit_rules: [
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: [...INHIBIT_EQUAL] },
    ],
    receivers: [{ name: NULL_RECEIVER }, ...alerting.receivers.map((r) => receiver(r, p))],
  };
}

function receiver(r: ReceiverSettings, p: AlertmanagerConfigParams) {
  const file = `${p.secretsDir}/${r.secretKey}`;
  switch (r.type) {
    case "slack":
      return { name: r.name, slack_configs: [{ api_url_file: file, channel: r.channel, send_resolved: true }] };
    case "pagerduty":
      return { name: r.name, pagerduty_configs: [{ routing_key_file: file, send_resolved: true }] };
    case "webhook":
      return { name: r.name, webhook_configs: [{ url_file: file, send_resolved: true }] };
  }
}

/** The receiver secret files the config reads, by file name (the receiver's `secretKey`). */
export function receiverSecretFiles(alerting: AlertingSettings): string[] {
  return alerting.receivers.map((r) => r.secretKey);
}
