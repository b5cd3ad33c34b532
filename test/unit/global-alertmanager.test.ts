import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { alertmanagerArgs } from "../../builders/alertmanager/args";
import { NULL_RECEIVER, alertmanagerConfig, receiverSecretFiles } from "../../builders/alertmanager/config";
import { alertmanagerFeatures, compareVersions } from "../../builders/alertmanager/version";
import { webConfig } from "../../builders/alertmanager/web-config";
import { ALERTMANAGER } from "../../builders/global/layout";
import { GLOBAL_FILES, regionTargetsFile, renderGlobalFiles } from "../../builders/global/render";
import { VERSIONS } from "../../versions";
import { BCRYPT, exposedRegion, globalConfig, renderOptions } from "./global-fixtures";
import { runTool, tempDir, withStandInFiles } from "../support/tools";

const DEBIAN_ALERTMANAGER = "0.25.0";
const withWebhook = globalConfig(["us-east"], {
  alerting: {
    replicas: 5,
    receivers: [
      { name: "oncall", type: "pagerduty", secretKey: "pagerdutyRoutingKey" },
      { name: "team-slack", type: "slack", secretKey: "slackWebhookUrl", channel: "#monitoring" },
      { name: "hooks", type: "webhook", secretKey: "hookUrl" },
    ],
    defaultReceiver: "team-slack",
    routes: [
      { receiver: "oncall", matchers: ['severity="critical"'], continue: true },
      { receiver: "hooks", matchers: ['team=~"infra|db"'] },
    ],
  },
  hookUrl: "https://hooks.example.com/alerts",
});

describe("Alertmanager mesh builders", () => {
  let dir: string;
  before(() => (dir = tempDir("alertmanager-")));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("routes from the stack config, Watchdog first to a null receiver, critical inhibiting warning for the same alert, cluster and service", () => {
    const config = alertmanagerConfig({ alerting: withWebhook.alerting, version: VERSIONS.alertmanager, secretsDir: "/s" });
    assert.strictEqual(config.route.receiver, "team-slack");
    assert.deepStrictEqual(config.route.group_by, ["alertname", "cluster", "service"]);
    assert.deepStrictEqual(config.route.routes[0], { receiver: NULL_RECEIVER, matchers: ['alertname="Watchdog"'] });
    assert.deepStrictEqual(config.route.routes.slice(1), [
      { receiver: "oncall", matchers: ['severity="critical"'], continue: true },
      { receiver: "hooks", matchers: ['team=~"infra|db"'], continue: false },
    ]);
    assert.deepStrictEqual(config.inhibit_rules, [
      { source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ["alertname", "cluster", "service"] },
    ]);
  });

  it("reads every receiver URL and key from a file in the cluster's version, never from the config", () => {
    const text = YAML.stringify(alertmanagerConfig({ alerting: withWebhook.alerting, version: VERSIONS.alertmanager, secretsDir: "/s" }));
    assert.match(text, /routing_key_file: \/s\/pagerdutyRoutingKey/);
    assert.match(text, /api_url_file: \/s\/slackWebhookUrl/);
    assert.match(text, /url_file: \/s\/hookUrl/);
    assert.ok(!text.includes("hooks.example.com"));
    assert.deepStrictEqual(receiverSecretFiles(withWebhook.alerting, VERSIONS.alertmanager), ["pagerdutyRoutingKey", "slackWebhookUrl", "hookUrl"]);
  });

  it("writes a webhook URL inline only for Alertmanager before 0.26, which has no url_file, and says so when it is missing", () => {
    const config = alertmanagerConfig({
      alerting: withWebhook.alerting,
      version: DEBIAN_ALERTMANAGER,
      secretsDir: "/s",
      inlineWebhookUrls: { hooks: "https://hooks.example.com/alerts" },
    });
    assert.deepStrictEqual(config.receivers.find((r) => r.name === "hooks"), {
      name: "hooks",
      webhook_configs: [{ url: "https://hooks.example.com/alerts", send_resolved: true }],
    });
    assert.deepStrictEqual(receiverSecretFiles(withWebhook.alerting, DEBIAN_ALERTMANAGER), ["pagerdutyRoutingKey", "slackWebhookUrl"]);
    assert.throws(() => alertmanagerConfig({ alerting: withWebhook.alerting, version: DEBIAN_ALERTMANAGER, secretsDir: "/s" }), /receiver 'hooks'.*inlineWebhookUrls/);
  });

  for (const [label, version, inline] of [
    ["the cluster's Alertmanager", VERSIONS.alertmanager, undefined],
    ["Debian's Alertmanager 0.25", DEBIAN_ALERTMANAGER, { hooks: "https://hooks.example.com/alerts" }],
  ] as const) {
    it(`renders a config for ${label} that amtool check-config accepts`, function () {
      // Debian's amtool 0.25 does not know webhook url_file (0.26): check the cluster's config without the webhook receiver.
      const alerting = alertmanagerFeatures(version).webhookUrlFile ? globalConfig(["us-east"]).alerting : withWebhook.alerting;
      const root = path.join(dir, version);
      const text = YAML.stringify(alertmanagerConfig({ alerting, version, secretsDir: ALERTMANAGER.secretsDir, inlineWebhookUrls: inline }));
      const file = path.join(root, "alertmanager.yml");
      fs.mkdirSync(root, { recursive: true });
      fs.writeFileSync(file, withStandInFiles(text, [ALERTMANAGER.secretsDir], root));
      assert.match(runTool("amtool", ["check-config", file]), /SUCCESS/);
    });
  }

  it("renders through renderGlobalFiles a config amtool accepts", () => {
    const regions = [exposedRegion("us-east", 0)];
    const files = renderGlobalFiles(globalConfig(["us-east"]), regions, renderOptions(regions, 3, DEBIAN_ALERTMANAGER));
    const root = path.join(dir, "rendered");
    fs.mkdirSync(root, { recursive: true });
    const file = path.join(root, "alertmanager.yml");
    fs.writeFileSync(file, withStandInFiles(files[GLOBAL_FILES.alertmanagerConfig], [ALERTMANAGER.secretsDir], root));
    assert.match(runTool("amtool", ["check-config", file]), /SUCCESS/);
  });

  it("lists every peer of the mesh and names the mesh with --cluster.label from Alertmanager 0.26 on", () => {
    const args = alertmanagerArgs({ version: VERSIONS.alertmanager, replicas: 5, clusterLabel: "global-alertmanager" });
    const peers = args.filter((a) => a.startsWith("--cluster.peer="));
    assert.deepStrictEqual(peers, [0, 1, 2, 3, 4].map((i) => `--cluster.peer=alertmanager-${i}.alertmanager-peers.monitoring.svc:9094`));
    assert.ok(args.includes("--cluster.label=global-alertmanager"));
    assert.ok(args.includes(`--web.config.file=${ALERTMANAGER.configDir}/web.yml`));
    const old = alertmanagerArgs({ version: DEBIAN_ALERTMANAGER, replicas: 3, clusterLabel: "global-alertmanager" });
    assert.ok(!old.some((a) => a.startsWith("--cluster.label")));
  });

  it("refuses an even or too small mesh", () => {
    assert.throws(() => alertmanagerArgs({ version: VERSIONS.alertmanager, replicas: 4, clusterLabel: "x" }), /odd number of at least 3/);
    assert.throws(() => alertmanagerArgs({ version: VERSIONS.alertmanager, replicas: 1, clusterLabel: "x" }), /odd number of at least 3/);
  });

  it("accepts every flag the Debian Alertmanager knows, except --cluster.label it lacks", () => {
    const help = runTool("prometheus-alertmanager", ["--help-long"]);
    const known = new Set([...help.matchAll(/--([a-z][a-z0-9.-]+)/g)].map((m) => `--${m[1]}`));
    for (const arg of alertmanagerArgs({ version: DEBIAN_ALERTMANAGER, replicas: 3, clusterLabel: "x" })) {
      assert.ok(known.has(arg.split("=")[0]), `Alertmanager 0.25 knows ${arg}`);
    }
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
    assert.deepStrictEqual(targets, [{ targets: ["am-0.lb.example.com:9093", "am-1.lb.example.com:9093", "am-2.lb.example.com:9093"], labels: {} }]);
  });

  it("compares release numbers", () => {
    assert.ok(compareVersions("0.28.1", "0.26.0") > 0);
    assert.ok(compareVersions("v0.25.0", "0.26.0") < 0);
    assert.strictEqual(compareVersions("0.26.0", "0.26"), 0);
  });
});
