/**
 * The dead man's switch: the Watchdog reaches a heartbeat receiver (a secret webhook URL or Opsgenie's
 * heartbeat API), first in the route tree and without continue, every `interval`, and never as "resolved".
 */
import * as assert from "node:assert";
import {
  HEARTBEAT_RECEIVER,
  NULL_RECEIVER,
  WATCHDOG_ALERT,
  opsgeniePingUrl,
  receiverSecretFiles,
} from "../../builders/alertmanager/config";
import { ALERTMANAGER } from "../../builders/global/layout";
import { ConfigError } from "../../config";
import { readStackFile } from "../../config/stack-file";
import { globalConfig } from "../fixtures/global-fixtures";
import {
  OPSGENIE_HEARTBEAT,
  WEBHOOK_HEARTBEAT,
  clusterAlertmanagerConfig,
  heartbeatBaseAlerting,
} from "../fixtures/alertmanager-fixtures";

describe("the Watchdog's heartbeat (dead man's switch)", () => {
  it("is configured in the program's own global stack", () => {
    const raw = readStackFile("global") as { alerting: { heartbeat?: { type: string; secretKey: string } } };
    assert.strictEqual(raw.alerting.heartbeat?.type, "webhook");
    assert.strictEqual(raw.alerting.heartbeat?.secretKey, "heartbeatUrl");
  });

  it("routes every Watchdog first, without continue, to the heartbeat, in one group resent every interval", () => {
    const config = clusterAlertmanagerConfig(WEBHOOK_HEARTBEAT);
    const first = config.route.routes[0] as Record<string, unknown>;
    assert.deepStrictEqual(first, {
      receiver: HEARTBEAT_RECEIVER,
      matchers: [`alertname="${WATCHDOG_ALERT}"`],
      group_by: ["alertname"],
      group_wait: "0s",
      group_interval: "10s",
      repeat_interval: "1m",
    });
    assert.ok(
      !("continue" in first) || first.continue === false,
      "the catch-all route below must not see the Watchdog",
    );
    assert.ok(!config.receivers.some((r) => r.name === NULL_RECEIVER), "no receiver is left unused");
  });

  it("pings a webhook whose URL is read from a secret file, never sends 'resolved' (which would look alive)", () => {
    const receiver = clusterAlertmanagerConfig(WEBHOOK_HEARTBEAT).receivers.find((r) => r.name === HEARTBEAT_RECEIVER);
    assert.deepStrictEqual(receiver, {
      name: HEARTBEAT_RECEIVER,
      webhook_configs: [{ url_file: `${ALERTMANAGER.secretsDir}/heartbeatUrl`, send_resolved: false, max_alerts: 1 }],
    });
    assert.deepStrictEqual(receiverSecretFiles(WEBHOOK_HEARTBEAT.alerting), [
      "pagerdutyRoutingKey",
      "slackWebhookUrl",
      "heartbeatUrl",
    ]);
  });

  it("pings Opsgenie's heartbeat API with the API key as a GenieKey read from a file", () => {
    const config = clusterAlertmanagerConfig(OPSGENIE_HEARTBEAT);
    assert.strictEqual((config.route.routes[0] as { repeat_interval: string }).repeat_interval, "2m");
    assert.deepStrictEqual(
      config.receivers.find((r) => r.name === HEARTBEAT_RECEIVER),
      {
        name: HEARTBEAT_RECEIVER,
        webhook_configs: [
          {
            url: "https://api.eu.opsgenie.com/v2/heartbeats/monitoring%20global/ping",
            http_config: {
              authorization: { type: "GenieKey", credentials_file: `${ALERTMANAGER.secretsDir}/opsgenieKey` },
            },
            send_resolved: false,
            max_alerts: 1,
          },
        ],
      },
    );
    assert.strictEqual(
      opsgeniePingUrl("https://api.opsgenie.com", "hb"),
      "https://api.opsgenie.com/v2/heartbeats/hb/ping",
    );
  });

  it("drops the Watchdog only when no heartbeat is configured", () => {
    const config = clusterAlertmanagerConfig(globalConfig(["us-east"]));
    assert.deepStrictEqual(config.route.routes[0], {
      receiver: NULL_RECEIVER,
      matchers: [`alertname="${WATCHDOG_ALERT}"`],
    });
  });

  it("needs the heartbeat's secret, a known type, and keeps the built-in receiver names for itself", () => {
    assert.throws(
      () =>
        globalConfig(["us-east"], {
          alerting: { ...heartbeatBaseAlerting(), heartbeat: { type: "webhook", secretKey: "missingKey" } },
        }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /missingKey/.test(e.message) &&
        /pulumi config set --secret missingKey/.test(e.message),
    );
    assert.throws(
      () =>
        globalConfig(["us-east"], {
          alerting: { ...heartbeatBaseAlerting(), heartbeat: { type: "pagerduty", secretKey: "pagerdutyRoutingKey" } },
        }),
      (e: unknown) => e instanceof ConfigError && /alerting\.heartbeat\.type/.test(e.message),
    );
    assert.throws(
      () =>
        globalConfig(["us-east"], {
          alerting: { ...heartbeatBaseAlerting(), heartbeat: { type: "opsgenie", secretKey: "pagerdutyRoutingKey" } },
        }),
      (e: unknown) => e instanceof ConfigError && /alerting\.heartbeat\.name/.test(e.message),
    );
    for (const name of [HEARTBEAT_RECEIVER, NULL_RECEIVER]) {
      const alerting = {
        ...heartbeatBaseAlerting(),
        receivers: [...heartbeatBaseAlerting().receivers, { name, type: "webhook", secretKey: "hookUrl" }],
      };
      assert.throws(
        () => globalConfig(["us-east"], { alerting, hookUrl: "https://x.example.com" }),
        (e: unknown) => e instanceof ConfigError && e.message.includes(`"${name}"`),
        name,
      );
    }
  });
});
