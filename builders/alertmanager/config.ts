import {
  type AlertingSettings,
  BUILT_IN_RECEIVERS,
  type HeartbeatSettings,
  type ReceiverSettings,
  type TeamSettings,
} from "../../config/types";
import { teamRoutes } from "./team-routes";

/** Receiver that drops what reaches it: the Watchdog goes there when no heartbeat is configured. */
export const NULL_RECEIVER = BUILT_IN_RECEIVERS.drop;
/** Receiver of the Watchdog when a heartbeat is configured: the dead man's switch. */
export const HEARTBEAT_RECEIVER = BUILT_IN_RECEIVERS.heartbeat;
/**
 * Group interval of the heartbeat route. Alertmanager resends an unchanged group at the first flush after
 * repeat_interval has passed (notify/dedup_stage.go), so flushes much shorter than the heartbeat's interval
 * make the pings come every interval rather than every second one.
 */
export const HEARTBEAT_GROUP_INTERVAL = "10s";
/** The alert every Prometheus fires all the time; it proves the alerting path works end to end. */
export const WATCHDOG_ALERT = "Watchdog";
/** A critical alert silences the warning of the same alert about the same cluster and service. */
export const INHIBIT_EQUAL = ["alertname", "cluster", "service"] as const;

export interface AlertmanagerConfigParams {
  readonly alerting: AlertingSettings;
  /** Teams with receivers get a route of their own (builders/alertmanager/team-routes.ts). */
  readonly teams?: readonly TeamSettings[];
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
        // First and without continue, so no configured route (even a catch-all) pages anyone for the Watchdog.
        watchdogRoute(alerting.heartbeat),
        ...teamRoutes(p.teams ?? []),
        ...alerting.routes.map((r) => ({ receiver: r.receiver, matchers: [...r.matchers], continue: r.continue })),
      ],
    },
    inhibit_rules: [
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: [...INHIBIT_EQUAL] },
    ],
    receivers: [
      alerting.heartbeat ? heartbeatReceiver(alerting.heartbeat, p) : { name: NULL_RECEIVER },
      ...[...alerting.receivers, ...(p.teams ?? []).flatMap((t) => t.receivers)].map((r) => receiver(r, p)),
    ],
  };
}

/**
 * Every Watchdog (each region's and the federation's) in one group, so the heartbeat service gets one ping
 * per interval as long as any Prometheus reaches the mesh and the mesh can notify. It never resolves: a
 * "resolved" ping would look like a sign of life.
 */
function watchdogRoute(heartbeat: HeartbeatSettings | undefined) {
  const matchers = [`alertname="${WATCHDOG_ALERT}"`];
  if (!heartbeat) return { receiver: NULL_RECEIVER, matchers };
  return {
    receiver: HEARTBEAT_RECEIVER,
    matchers,
    group_by: ["alertname"],
    group_wait: "0s",
    group_interval: HEARTBEAT_GROUP_INTERVAL,
    repeat_interval: heartbeat.interval,
  };
}

/** The Opsgenie heartbeat ping (POST /v2/heartbeats/<name>/ping, `Authorization: GenieKey <API key>`). */
export function opsgeniePingUrl(apiUrl: string, name: string): string {
  return `${apiUrl}/v2/heartbeats/${encodeURIComponent(name)}/ping`;
}

function heartbeatReceiver(h: HeartbeatSettings, p: AlertmanagerConfigParams) {
  const ping = { send_resolved: false, max_alerts: 1 };
  const file = `${p.secretsDir}/${h.secretKey}`;
  switch (h.type) {
    case "webhook":
      return { name: HEARTBEAT_RECEIVER, webhook_configs: [{ url_file: file, ...ping }] };
    case "opsgenie":
      return {
        name: HEARTBEAT_RECEIVER,
        webhook_configs: [
          {
            url: opsgeniePingUrl(h.apiUrl!, h.name!),
            http_config: { authorization: { type: "GenieKey", credentials_file: file } },
            ...ping,
          },
        ],
      };
  }
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

/**
 * The secret files the config reads, by file name: every receiver's (the teams' too) and the heartbeat's `secretKey`, which
 * are also the secret config keys the stack reads them from.
 */
export function receiverSecretFiles(alerting: AlertingSettings, teams: readonly TeamSettings[] = []): string[] {
  const receivers = [...alerting.receivers, ...teams.flatMap((t) => t.receivers)];
  return [...receivers.map((r) => r.secretKey), ...(alerting.heartbeat ? [alerting.heartbeat.secretKey] : [])];
}
