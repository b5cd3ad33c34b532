import * as assert from "assert";
import { ConfigError, GlobalStackConfig, RegionalStackConfig, loadStackConfig } from "../../config";
import { rawConfigOf, readStackFile } from "../../config/stack-file";

/** Loads a stack's config from plain values, as `pulumi config` hands them over (objects as JSON text). */
function load(stack: string, values: Record<string, unknown>) {
  return loadStackConfig(stack, rawConfigOf(values));
}

const regional = {
  tier: "regional",
  cloud: "aws",
  region: "us-east-1",
  cluster: { apiAllowedCidrs: ["203.0.113.0/24"] },
};

const global = {
  tier: "global",
  cloud: "aws",
  region: "us-east-2",
  cluster: { apiAllowedCidrs: ["203.0.113.0/24"] },
  regions: ["acme/monitoring/us-east", "acme/monitoring/eu-west"],
  ingressAllowedCidrs: ["203.0.113.0/24"],
  grafana: { domain: "grafana.example.com" },
  alerting: { receivers: [{ name: "hooks", type: "webhook", secretKey: "hookUrl" }] },
  hookUrl: "https://hooks.example.com/alerts",
};

/** Asserts that loading fails with a message naming the stack, the key, the value and what is allowed. */
function assertRejected(values: Record<string, unknown>, key: string, value: string, allowed: RegExp, stack = "us-east") {
  assert.throws(
    () => load(stack, values),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
      assert.match(err.message, new RegExp(`^stack '${stack}': `));
      assert.ok(err.message.includes(`'monitoring:${key}'`), `message names the key ${key}: ${err.message}`);
      assert.ok(err.message.includes(value), `message names the bad value ${value}: ${err.message}`);
      assert.match(err.message, allowed);
      return true;
    },
  );
}

describe("stack config", () => {
  describe("the program's own stack files", () => {
    it("us-east is a regional AWS stack in us-east-1 with three zones and the defaults a user expects", () => {
      const config = load("us-east", readStackFile("us-east")) as RegionalStackConfig;
      assert.strictEqual(config.tier, "regional");
      assert.strictEqual(config.cloud, "aws");
      assert.strictEqual(config.region, "us-east-1");
      assert.deepStrictEqual(config.cluster.zones, ["us-east-1a", "us-east-1b", "us-east-1c"]);
      assert.strictEqual(config.prometheus.replicas, 2);
      assert.strictEqual(config.prometheus.shards, "auto");
      assert.strictEqual(config.prometheus.retention, "24h");
      assert.strictEqual(config.storeGatewayReplicas, 2);
    });

    it("eu-west is a regional GCP stack in europe-west1 on that region's zones", () => {
      const config = load("eu-west", readStackFile("eu-west")) as RegionalStackConfig;
      assert.strictEqual(config.cloud, "gcp");
      assert.strictEqual(config.gcpProject, "my-monitoring-project");
      assert.deepStrictEqual(config.cluster.zones, ["europe-west1-b", "europe-west1-c", "europe-west1-d"]);
    });

    it("global lists both regions, an odd Alertmanager mesh and receivers whose secrets are named", () => {
      const config = load("global", { ...readStackFile("global"), pagerdutyRoutingKey: "k", slackWebhookUrl: "https://hooks.slack.com/x", heartbeatUrl: "https://hc-ping.example.com/x" }) as GlobalStackConfig;
      assert.deepStrictEqual(config.regions.map((r) => r.name), ["us-east", "eu-west"]);
      assert.strictEqual(config.alerting.replicas, 3);
      assert.deepStrictEqual(config.alerting.receivers.map((r) => r.secretKey), ["pagerdutyRoutingKey", "slackWebhookUrl"]);
      assert.strictEqual(config.grafana.minReplicas, 3);
    });

    it("is frozen, so no component can change what another one reads", () => {
      const config = load("us-east", readStackFile("us-east")) as RegionalStackConfig;
      assert.throws(() => ((config.prometheus as { replicas: number }).replicas = 1), TypeError);
    });
  });

  it("a new region on either cloud needs only its config", () => {
    const gcp = load("asia", { ...regional, cloud: "gcp", region: "asia-southeast1", gcpProject: "p-123456" }) as RegionalStackConfig;
    assert.deepStrictEqual(gcp.cluster.zones, ["asia-southeast1-a", "asia-southeast1-b", "asia-southeast1-c"]);
    const aws = load("eu-central", { ...regional, region: "eu-central-1" }) as RegionalStackConfig;
    assert.strictEqual(aws.namePrefix, "eu-central");
  });

  describe("rejects, naming stack, key, value and what is allowed", () => {
    it("an unknown cloud", () => assertRejected({ ...regional, cloud: "azure" }, "cloud", "azure", /'aws', 'gcp'/));
    it("an unknown tier", () => assertRejected({ ...regional, tier: "edge" }, "tier", "edge", /'regional', 'global'/));
    it("a missing required key", () => assertRejected({ ...regional, region: undefined }, "region", "no value", /AWS region/));
    it("a region of the other cloud", () =>
      assertRejected({ ...regional, region: "europe-west1" }, "region", "europe-west1", /'europe-west1' is a GCP region; an AWS region: us-east-1/));
    it("a zone outside the region", () =>
      assertRejected({ ...regional, cluster: { ...regional.cluster, zones: ["us-east-1a", "us-east-1b", "us-west-2a"] } }, "cluster.zones", "us-west-2a", /zones of us-east-1/));
    it("fewer than three zones", () =>
      assertRejected({ ...regional, cluster: { ...regional.cluster, zones: ["us-east-1a", "us-east-1b"] } }, "cluster.zones", "us-east-1b", /three distinct zones/));
    it("a region that has no three default zones unless zones are listed", () =>
      assertRejected({ ...regional, region: "us-west-1" }, "cluster.zones", "no value", /at least three zones of us-west-1/));
    it("an API open to the world", () =>
      assertRejected({ ...regional, cluster: { apiAllowedCidrs: ["0.0.0.0/0"] } }, "cluster.apiAllowedCidrs", "0.0.0.0/0", /whole internet/));
    it("fewer than 2 Prometheus replicas", () =>
      assertRejected({ ...regional, prometheus: { replicas: 1 } }, "prometheus.replicas", "1", /at least 2|from 2/));
    it("shards below 1", () => assertRejected({ ...regional, prometheus: { shards: 0 } }, "prometheus.shards", "0", /from 1 to 64/));
    it("a non-numeric size", () =>
      assertRejected({ ...regional, cluster: { ...regional.cluster, nodes: { diskGiB: "big" } } }, "cluster.nodes.diskGiB", "big", /whole number/));
    it("a non-numeric load", () => assertRejected({ ...regional, expectedLoad: { targets: "lots" } }, "expectedLoad.targets", "lots", /whole number/));
    it("local retention shorter than three 2h blocks", () =>
      assertRejected({ ...regional, prometheus: { retention: "4h" } }, "prometheus.retention", "4h", /at least 6h .*Thanos sidecar/));
    it("raw bucket retention shorter than the compactor's 40h", () =>
      assertRejected({ ...regional, bucketRetention: { raw: "1d" } }, "bucketRetention.raw", "1d", /40h/));
    it("a malformed duration", () =>
      assertRejected({ ...regional, prometheus: { scrapeInterval: "30 seconds" } }, "prometheus.scrapeInterval", "30 seconds", /duration such as/));
    it("a static job pinned to a shard that does not exist", () =>
      assertRejected({ ...regional, prometheus: { shards: 2, staticJobs: [{ job: "db", targets: ["db:9187"], shard: 2 }] } }, "prometheus.staticJobs[0].shard", "2", /from 0 to 1/));
    it("duplicate region names in the global list", () =>
      assertRejected({ ...global, regions: ["acme/monitoring/us-east", "other/monitoring/us-east"] }, "regions", "other/monitoring/us-east", /'us-east' is listed twice/, "global"));
    it("a malformed stack reference", () =>
      assertRejected({ ...global, regions: ["us-east"] }, "regions", "us-east", /org\/project\/stack/, "global"));
    it("an even Alertmanager mesh", () =>
      assertRejected({ ...global, alerting: { ...global.alerting, replicas: 4 } }, "alerting.replicas", "4", /odd number/, "global"));
    it("a route to a receiver that does not exist", () =>
      assertRejected({ ...global, alerting: { ...global.alerting, routes: [{ receiver: "nobody" }] } }, "alerting.routes[0].receiver", "nobody", /one of the receivers: hooks/, "global"));
    it("a receiver whose secret has not been set", () =>
      assertRejected({ ...global, hookUrl: undefined }, "hookUrl", "no value", /pulumi config set --secret hookUrl/, "global"));
    it("Grafana with fewer than 3 replicas", () =>
      assertRejected({ ...global, grafana: { domain: "g.example.com", minReplicas: 2 } }, "grafana.minReplicas", "2", /from 3/, "global"));
    it("backups kept for less than 7 days", () =>
      assertRejected({ ...global, database: { backupRetentionDays: 3 } }, "database.backupRetentionDays", "3", /from 7 to 35/, "global"));
  });
});
