import type { AlertingSettings, ReceiverSettings } from "../../config/types";
import { alertmanagerFeatures } from "./version";

/** Receiver that drops what reaches it: the Watchdog heartbeat goes there unless a route says otherwise. */
export const NULL_RECEIVER = "null";
/** The alert every Prometheus fires all the time; it proves the alerting path works end to end. */
export const WATCHDOG_ALERT = "Watchdog";
/** A critical alert silences the warning of the same alert about the same cluster and service. */
export const INHIBIT_EQUAL = ["alertname", "cluster", "service"] as const;

export interface AlertmanagerConfigParams {
  readonly alerting: AlertingSettings;
  /** The Alertmanager release the config is for (versions.ts in the clusters, 0.25 on Debian). */
  readonly version: string;
  /** Directory holding one file per receiver secret, named by the receiver's `secretKey`. */
  readonly secretsDir: string;
  /**
   * Webhook URLs by receiver name, only for releases before 0.26 that have no `url_file`: the URL is then
   * written into the config, which is why the whole config is always stored as a Kubernetes Secret.
   */
  readonly inlineWebhookUrls?: Readonly<Record<string, string>>;
}

/**
 * The Alertmanager configuration: one route tree from the stack config, receivers whose URLs and keys are
 * read from files (Slack `api_url_file`, PagerDuty `routing_key_file`, webhook `url_file` from 0.26), and
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
    case "webhook": {
      if (alertmanagerFeatures(p.version).webhookUrlFile) return { name: r.name, webhook_configs: [{ url_file: file, send_resolved: true }] };
      const url = p.inlineWebhookUrls?.[r.name];
      if (url === undefined) {
        throw new Error(`Alertmanager ${p.version} has no webhook url_file: receiver '${r.name}' needs its URL in inlineWebhookUrls`);
      }
      return { name: r.name, webhook_configs: [{ url, send_resolved: true }] };
    }
  }
}

/** The receiver secret files the config reads, by file name (the receiver's `secretKey`). */
export function receiverSecretFiles(alerting: AlertingSettings, version: string): string[] {
  const urlFile = alertmanagerFeatures(version).webhookUrlFile;
  return alerting.receivers.filter((r) => r.type !== "webhook" || urlFile).map((r) => r.secretKey);
}
