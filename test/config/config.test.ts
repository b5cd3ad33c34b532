import { loadProgramConfig } from "../../tiers/load-config";
import * as assert from "node:assert";
import { ConfigError, type GlobalStackConfig, type RegionalStackConfig } from "../../config";
import { rawConfigOf, readStackFile } from "../../config/stack-file";
import { TEST_SECRETS } from "../harness/stacks";
import { BAD_INPUTS, expectedMessage, valuesOf } from "./config-cases";

/**
 * Loads a stack's config from plain values, as `pulumi config` hands them over (objects as JSON text), with
 * the rules the entry adds above config.
 */
function load(stack: string, values: Record<string, unknown>, secrets: Record<string, string> = {}) {
  return loadProgramConfig(stack, rawConfigOf({ ...values, ...secrets }, Object.keys(secrets)), process.cwd());
}

const regional = {
  tier: "regional",
  cloud: "aws",
  region: "us-east-1",
  cluster: { apiAllowedCidrs: ["203.0.113.0/24"] },
};

describe("stack config", () => {
  describe("the program's own stack files", () => {
    it("us-east is a regional AWS stack in us-east-1 with three zones and the defaults a user expects", () => {
      const config = load("us-east", readStackFile("us-east")) as RegionalStackConfig;
      assert.strictEqual(config.tier, "regional");
      assert.strictEqual(config.cloud, "aws");
      assert.strictEqual(config.region, "us-east-1");
      assert.deepStrictEqual(config.cluster.zones, ["us-east-1a", "us-east-1b", "us-east-1c"]);
      assert.strictEqual(config.cluster.name, "us-east-monitoring");
      assert.deepStrictEqual(config.cluster.nodes, {
        machineType: "m6i.xlarge",
        minNodes: 3,
        maxNodes: 6,
        diskGiB: 100,
      });
      assert.strictEqual(config.prometheus.replicas, 2);
      assert.strictEqual(config.prometheus.shards, "auto");
      assert.strictEqual(config.prometheus.retention, "24h");
      assert.deepStrictEqual(config.load, { targets: 300, seriesPerTarget: 1000 });
      assert.deepStrictEqual(config.bucketRetention, { raw: "30d", fiveMinutes: "180d", oneHour: "2y" });
      assert.strictEqual(config.storeGatewayReplicas, 2);
    });

    it("eu-west is a regional GCP stack in europe-west1 on that region's zones", () => {
      const config = load("eu-west", readStackFile("eu-west")) as RegionalStackConfig;
      assert.strictEqual(config.cloud, "gcp");
      assert.strictEqual(config.gcpProject, "my-monitoring-project");
      assert.deepStrictEqual(config.cluster.zones, ["europe-west1-b", "europe-west1-c", "europe-west1-d"]);
      assert.strictEqual(config.cluster.nodes.machineType, "e2-standard-4");
      assert.strictEqual(config.cluster.releaseChannel, "REGULAR");
    });

    it("global lists both regions, an odd Alertmanager mesh and receivers whose secrets are named", () => {
      const config = load("global", readStackFile("global"), TEST_SECRETS.global) as GlobalStackConfig;
      assert.deepStrictEqual(
        config.regions.map((r) => r.name),
        ["us-east", "eu-west"],
      );
      assert.strictEqual(config.alerting.replicas, 3);
      assert.strictEqual(config.alerting.defaultReceiver, "team-slack");
      assert.deepStrictEqual(
        config.alerting.receivers.map((r) => [r.secretKey, r.channel]),
        [
          ["pagerdutyRoutingKey", undefined],
          ["slackWebhookUrl", "#monitoring"],
        ],
      );
      const { sso, ...grafana } = config.grafana;
      assert.deepStrictEqual(grafana, { domain: "grafana.example.com", minReplicas: 3, maxReplicas: 6 });
      assert.strictEqual(sso?.secretKey, "grafanaClientSecret");
      assert.deepStrictEqual(sso?.scopes, ["openid", "email", "profile", "groups"], "the default scopes");
      assert.strictEqual(sso?.loginForm, false, "the login form is off by default");
      assert.deepStrictEqual(config.database, {
        instanceClass: "db.t4g.medium",
        storageGiB: 50,
        backupRetentionDays: 7,
        postgresVersion: "16",
      });
    });

    it("is frozen, so no component can change what another one reads", () => {
      const config = load("us-east", readStackFile("us-east")) as RegionalStackConfig;
      assert.throws(() => ((config.prometheus as { replicas: number }).replicas = 1), TypeError);
    });
  });

  it("a new region on either cloud needs only its config", () => {
    const gcp = load("asia", {
      ...regional,
      cloud: "gcp",
      region: "asia-southeast1",
      gcpProject: "p-123456",
    }) as RegionalStackConfig;
    assert.deepStrictEqual(gcp.cluster.zones, ["asia-southeast1-a", "asia-southeast1-b", "asia-southeast1-c"]);
    const aws = load("eu-central", { ...regional, region: "eu-central-1" }) as RegionalStackConfig;
    assert.strictEqual(aws.namePrefix, "eu-central");
  });

  it("accepts what `pulumi config set` stores as text: numbers and booleans of nested keys", () => {
    const config = load("us-east", {
      ...regional,
      prometheus: { replicas: "3", shards: "2" },
      storeGatewayReplicas: "3",
    }) as RegionalStackConfig;
    assert.strictEqual(config.prometheus.replicas, 3);
    assert.strictEqual(config.prometheus.shards, 2);
    assert.strictEqual(config.storeGatewayReplicas, 3);
  });

  it("keeps data forever at every resolution with 0d", () => {
    const config = load("us-east", {
      ...regional,
      bucketRetention: { raw: "0d", fiveMinutes: "0d", oneHour: "0d" },
    }) as RegionalStackConfig;
    assert.deepStrictEqual(config.bucketRetention, { raw: "0d", fiveMinutes: "0d", oneHour: "0d" });
  });

  describe(`refuses ${BAD_INPUTS.length} bad inputs with one sentence naming stack, key, value and what is allowed`, () => {
    it("covers the three stacks with at least 60 cases", () => {
      assert.ok(BAD_INPUTS.length >= 60, `${BAD_INPUTS.length} cases`);
      assert.deepStrictEqual([...new Set(BAD_INPUTS.map((c) => c.stack))].sort(), ["eu-west", "global", "us-east"]);
    });
    for (const c of BAD_INPUTS) {
      it(`${c.stack}: ${c.name}`, () => {
        const { config, secrets } = valuesOf(c);
        assert.throws(
          () => load(c.stack, config, secrets),
          (err: unknown) => {
            assert.ok(
              err instanceof ConfigError,
              `expected a ConfigError, got ${err instanceof Error ? err.stack : err}`,
            );
            assert.strictEqual(err.message, expectedMessage(c));
            assert.ok(!err.message.includes("\n"), "one line");
            return true;
          },
        );
      });
    }
  });

  describe("every mistake of a stack in one run", () => {
    /** The sentences of the ConfigError `values` fail with. */
    function sentences(stack: string, values: Record<string, unknown>, secrets: Record<string, string> = {}): string[] {
      try {
        load(stack, values, secrets);
      } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        assert.strictEqual(err.message, err.mistakes.map((m) => m.message).join("\n"));
        return err.message.split("\n");
      }
      assert.fail("no ConfigError");
    }
    const usEast = readStackFile("us-east") as Record<string, any>;
    const global = readStackFile("global") as Record<string, any>;

    it("an unknown key, a bad type and a rule between keys: all three, the structural ones first in the order of the keys", () => {
      const found = sentences("us-east", {
        ...usEast,
        bucketRetention: { raw: "30d", fiveMinutes: "10d" },
        prometheus: { ...usEast.prometheus, replcas: 3 },
        cluster: { ...usEast.cluster, nodes: { diskGiB: "big" } },
      });
      assert.deepStrictEqual(found, [
        "stack 'us-east': config key 'monitoring:cluster.nodes.diskGiB' has the value \"big\"; allowed: a whole number from 20 to 16384",
        "stack 'us-east': config key 'monitoring:prometheus.replcas' is not a key of this program (set to the number 3); allowed: 'prometheus.replicas' (the closest key), or another key of prometheus: replicas, shards, retiringShards, scrapeInterval, evaluationInterval, retention, sampleLimit, labelLimit, nativeHistograms, staticJobs, overrides",
        "stack 'us-east': config key 'monitoring:bucketRetention.fiveMinutes' has the value \"10d\"; allowed: a duration of at least 30d (bucketRetention.raw) or 0d for forever: a coarser resolution is kept at least as long as a finer one",
      ]);
    });

    it("an incomplete single sign-on provider with its client secret in plain text: every missing field and the secret", () => {
      const { tokenUrl, userInfoUrl, ...sso } = global.grafana.sso;
      const { grafanaClientSecret, ...secrets } = TEST_SECRETS.global;
      const found = sentences(
        "global",
        { ...global, grafana: { ...global.grafana, sso }, grafanaClientSecret },
        secrets,
      );
      const url = (path: string) => `an https:// URL such as https://idp.example.com/oauth2/v1/${path}`;
      assert.deepStrictEqual(found, [
        `stack 'global': config key 'monitoring:grafana.sso.tokenUrl' has no value (it is required); allowed: ${url("token")}`,
        `stack 'global': config key 'monitoring:grafana.sso.userInfoUrl' has no value (it is required); allowed: ${url("userinfo")}`,
        "stack 'global': config key 'monitoring:grafanaClientSecret' has a value in plain text (not shown here); allowed: a secret, not plain text: it holds Grafana's OAuth client secret (grafana.sso.secretKey); set it with: pulumi config set --secret grafanaClientSecret <value>",
      ]);
    });

    it("a misspelt alerting.receivers: the typo with its suggestion, not the receivers' secrets it leaves unread", () => {
      const { receivers, ...alerting } = global.alerting;
      const found = sentences(
        "global",
        { ...global, alerting: { ...alerting, recievers: receivers } },
        TEST_SECRETS.global,
      );
      assert.deepStrictEqual(found, [
        "stack 'global': config key 'monitoring:alerting.recievers' is not a key of this program (set to the value " +
          `${JSON.stringify(receivers).slice(0, 120)}...); allowed: 'alerting.receivers' (the closest key), or another key of alerting: ` +
          "replicas, heartbeat, receivers, defaultReceiver, routes, groupBy, groupWait, groupInterval, repeatInterval",
      ]);
    });

    it("a rule that reads a broken key stays silent: a sample limit is not judged by the default that stood in for a broken load", () => {
      const found = sentences("us-east", {
        ...usEast,
        expectedLoad: { seriesPerTarget: "many" },
        prometheus: { ...usEast.prometheus, sampleLimit: 500 },
      });
      assert.deepStrictEqual(found, [
        "stack 'us-east': config key 'monitoring:expectedLoad.seriesPerTarget' has the value \"many\"; allowed: a whole number from 1 to 1000000",
      ]);
    });

    it("rules that read nothing broken still report, each once, in the order of the keys", () => {
      const found = sentences(
        "global",
        {
          ...global,
          query: { minReplicas: 5, maxReplicas: 3 },
          regions: ["acme/monitoring/us-east", "acme/monitoring/us-east"],
          database: { backupRetentionDays: 3 },
        },
        TEST_SECRETS.global,
      );
      assert.deepStrictEqual(found, [
        "stack 'global': config key 'monitoring:database.backupRetentionDays' has the number 3; allowed: a whole number from 7 to 35",
        "stack 'global': config key 'monitoring:regions[1]' has the value \"acme/monitoring/us-east\"; allowed: each region once: 'us-east' is listed twice",
        "stack 'global': config key 'monitoring:query.maxReplicas' has the number 3; allowed: a whole number from 5 (query.minReplicas) to 100",
      ]);
    });
  });
});
