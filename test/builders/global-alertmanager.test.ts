import * as assert from "node:assert";
import * as YAML from "yaml";
import { NULL_RECEIVER, alertmanagerConfig, receiverSecretFiles } from "../../builders/alertmanager/config";
import { webConfig } from "../../builders/alertmanager/web-config";
import { ALERTMANAGER } from "../../builders/global/layout";
import { GLOBAL_FILES, regionTargetsFile, renderGlobalFiles } from "../../builders/global/render";
import { BCRYPT, exposedRegion, globalConfig, renderOptions } from "../fixtures/global-fixtures";
import { EVERY_RECEIVER_KIND, meshArgs } from "../fixtures/alertmanager-fixtures";

describe("Alertmanager mesh builders", () => {
  it("routes from the stack config, Watchdog first to a null receiver, critical inhibiting warning for the same alert, cluster and service", () => {
    const config = alertmanagerConfig({ alerting: EVERY_RECEIVER_KIND.alerting, secretsDir: "/s" });
    assert.strictEqual(config.route.receiver, "team-slack");
    assert.deepStrictEqual(config.route.group_by, ["alertname", "cluster", "service"]);
    assert.deepStrictEqual(config.route.routes[0], { receiver: NULL_RECEIVER, matchers: ['alertname="Watchdog"'] });
    assert.deepStrictEqual(config.route.routes.slice(1), [
      { receiver: "oncall", matchers: ['severity="critical"'], continue: true },
      { receiver: "hooks", matchers: ['team=~"infra|db"'], continue: false },
    ]);
    assert.deepStrictEqual(config.inhibit_rules, [
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: ["alertname", "cluster", "service"],
      },
    ]);
  });

  it("reads every receiver URL and key from a file in the cluster's version, never from the config", () => {
    const text = YAML.stringify(alertmanagerConfig({ alerting: EVERY_RECEIVER_KIND.alerting, secretsDir: "/s" }));
    assert.match(text, /routing_key_file: \/s\/pagerdutyRoutingKey/);
    assert.match(text, /api_url_file: \/s\/slackWebhookUrl/);
    assert.match(text, /url_file: \/s\/hookUrl/);
    assert.ok(!text.includes("hooks.example.com"));
    assert.deepStrictEqual(receiverSecretFiles(EVERY_RECEIVER_KIND.alerting), [
      "pagerdutyRoutingKey",
      "slackWebhookUrl",
      "hookUrl",
    ]);
  });

  it("lists every peer of the mesh and names the mesh with --cluster.label", () => {
    const regions = [exposedRegion("us-east", 0)];
    const files = renderGlobalFiles(EVERY_RECEIVER_KIND, regions, renderOptions(regions, 5));
    const args = YAML.parse(files[GLOBAL_FILES.alertmanagerArgs]) as string[];
    const peers = args.filter((a) => a.startsWith("--cluster.peer="));
    assert.deepStrictEqual(
      peers,
      [0, 1, 2, 3, 4].map((i) => `--cluster.peer=alertmanager-${i}.alertmanager-peers.monitoring.svc:9094`),
    );
    assert.ok(args.includes("--cluster.label=global-alertmanager"));
    assert.ok(args.includes(`--web.config.file=${ALERTMANAGER.configDir}/web.yml`));
    // The value the benchmark's full run measures duplicates with (bench/settings.ts).
    assert.ok(args.includes(`--cluster.peer-timeout=${ALERTMANAGER.peerTimeout}`));
  });

  it("refuses an even or too small mesh", () => {
    assert.throws(() => meshArgs(4), /odd number of at least 3/);
    assert.throws(() => meshArgs(1), /odd number of at least 3/);
  });

  it("serves HTTPS with basic auth and refuses a plain password in the web config", () => {
    assert.deepStrictEqual(webConfig({ certFile: "/t/tls.crt", keyFile: "/t/tls.key", users: { a: BCRYPT } }), {
      tls_server_config: { cert_file: "/t/tls.crt", key_file: "/t/tls.key", min_version: "TLS12" },
      basic_auth_users: { a: BCRYPT },
    });
    assert.throws(() => webConfig({ certFile: "c", keyFile: "k", users: { a: "hunter2" } }), /bcrypt hash/);
  });

  it("writes each region a file_sd list of every peer's own address", () => {
    const regions = [exposedRegion("us-east", 0), exposedRegion("eu-west", 1)];
    const files = renderGlobalFiles(globalConfig(["us-east", "eu-west"]), regions, renderOptions(regions));
    const targets = JSON.parse(files[regionTargetsFile("eu-west")]);
    assert.deepStrictEqual(targets, [
      { targets: ["am-0.lb.example.com:9093", "am-1.lb.example.com:9093", "am-2.lb.example.com:9093"], labels: {} },
    ]);
  });
});
