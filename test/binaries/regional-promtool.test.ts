/**
 * Invariant 8 for the regional tier: every rendered Prometheus config of us-east and eu-west, with 1 and 4
 * shards, passes Debian's `promtool check config` (after the Kubernetes SD swap), every rule file
 * `promtool check rules`, and the web config `promtool check web-config`.
 */
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { PATHS } from "../../builders/regional/layout";
import { renderRegionalFiles } from "../../builders/regional/render";
import {
  checkPrometheusConfig,
  checkRuleFiles,
  checkWebConfig,
  runPromtool,
  standInPrometheusConfig,
  withTempDir,
} from "../support/promtool";
import { CERTIFICATES_EXPIRE, bucketOf, regionalStack } from "../fixtures/regional-fixtures";

const STATIC_JOBS = [
  { job: "payments-api", targets: ["payments-0.internal:8080", "payments-1.internal:8080"] },
  { job: "legacy-batch", targets: ["batch.internal:9102"], shard: 0, scrapeInterval: "5s" },
];

function rendered(stack: "us-east" | "eu-west", shards: number) {
  const config = regionalStack(stack, { shards, staticJobs: STATIC_JOBS });
  return renderRegionalFiles({ config, objectStore: bucketOf(config), certificatesExpire: CERTIFICATES_EXPIRE });
}

/** The rule files as the pods mount them, for the configs' rule_files glob. */
function mountedRules(files: Record<string, string>): Record<string, string> {
  const rules: Record<string, string> = {};
  for (const [name, content] of Object.entries(files))
    if (name.startsWith("rules/")) rules[`${PATHS.rulesDir}/${path.basename(name)}`] = content;
  return rules;
}

describe("rendered regional configs pass Debian's promtool", () => {
  for (const stack of ["us-east", "eu-west"] as const) {
    for (const shards of [1, 4]) {
      describe(`${stack} with ${shards} shard(s)`, () => {
        const files = rendered(stack, shards);
        const configs = Object.keys(files).filter((name) =>
          /^prometheus\/shard-\d+\/prometheus-shard-\d+-\d+\.yaml$/.test(name),
        );

        it("renders one config per replica of every shard", () => {
          assert.strictEqual(configs.length, shards * 2);
        });

        for (const name of configs) {
          it(`${name}: promtool check config`, () => {
            const output = checkPrometheusConfig(files[name], mountedRules(files));
            assert.match(output, /SUCCESS: 3 rule files found/);
          });
        }

        it("rule files: promtool check rules", () => {
          const rules = Object.fromEntries(Object.entries(files).filter(([name]) => name.startsWith("rules/")));
          assert.deepStrictEqual(Object.keys(rules).sort(), [
            "rules/alerts.yaml",
            "rules/certificates.yaml",
            "rules/recording.yaml",
          ]);
          checkRuleFiles(rules);
        });

        it("web config: promtool check web-config", () => {
          checkWebConfig(files["prometheus/web-config.yaml"]);
        });
      });
    }
  }

  it("the check can fail: promtool rejects a config whose sharding keeps a regex that is not a shard", () => {
    const files = rendered("us-east", 4);
    const broken = files["prometheus/shard-1/prometheus-shard-1-0.yaml"].replace('regex: "1"', 'regex: "(1"');
    assert.notStrictEqual(broken, files["prometheus/shard-1/prometheus-shard-1-0.yaml"]);
    assert.throws(() => checkPrometheusConfig(broken, mountedRules(files)), /failed/);
  });
});

/** The pods the Kubernetes API would list, with the same meta labels. */
const DISCOVERED_PODS = Array.from({ length: 40 }, (_, i) => ({
  targets: [`10.1.${Math.floor(i / 10)}.${i % 250}:8080`],
  labels: {
    __meta_kubernetes_pod_annotation_prometheus_io_scrape: "true",
    __meta_kubernetes_pod_name: `app-${i}`,
    __meta_kubernetes_namespace: "apps",
  },
}));

/** Which of `shards` keep each discovered pod, as promtool applies each shard's relabeling. */
function ownersOfPods(files: Record<string, string>, shards: readonly number[]): Map<string, number[]> {
  const owner = new Map<string, number[]>();
  for (const shard of shards) {
    withTempDir("promtool-sd-", (dir) => {
      const config = YAML.parse(
        standInPrometheusConfig(
          files[`prometheus/shard-${shard}/prometheus-shard-${shard}-0.yaml`],
          dir,
          mountedRules(files),
        ),
      );
      const job = config.scrape_configs.find((j: { job_name: string }) => j.job_name === "kubernetes-pods");
      // Handed to the job's relabeling through a file instead of the Kubernetes API: no API server runs here.
      assert.strictEqual(job.kubernetes_sd_configs.length, 1);
      delete job.kubernetes_sd_configs;
      const podsFile = path.join(dir, "pods.json");
      fs.writeFileSync(podsFile, JSON.stringify(DISCOVERED_PODS));
      job.file_sd_configs = [{ files: [podsFile] }];
      const file = path.join(dir, "prometheus.yaml");
      fs.writeFileSync(file, YAML.stringify(config));
      const results = JSON.parse(
        runPromtool(["check", "service-discovery", "--timeout=1s", file, "kubernetes-pods"], { stdoutOnly: true }),
      );
      for (const target of results) {
        if (!target.labels?.pod) continue; // dropped by the shard
        const pod = target.labels.pod as string;
        owner.set(pod, [...(owner.get(pod) ?? []), shard]);
      }
    });
  }
  return owner;
}

describe("hashmod sharding as Prometheus applies it (promtool check service-discovery)", () => {
  it("splits 40 discovered pods over 4 shards: every pod scraped by exactly one shard", () => {
    const owner = ownersOfPods(rendered("us-east", 4), [0, 1, 2, 3]);
    assert.strictEqual(owner.size, 40, `every pod is scraped: ${owner.size}`);
    for (const [pod, owners] of owner) assert.strictEqual(owners.length, 1, `${pod} is scraped by shards ${owners}`);
    assert.ok(new Set([...owner.values()].flat()).size > 1, "targets are spread over more than one shard");
  });

  it("scaled down from 3 shards to 2 with shard 2 retiring: the 2 active shards scrape every pod once, the retiring one none", () => {
    const config = regionalStack("us-east", { shards: 2, retiringShards: [2], staticJobs: STATIC_JOBS });
    const files = renderRegionalFiles({
      config,
      objectStore: bucketOf(config),
      certificatesExpire: CERTIFICATES_EXPIRE,
    });
    for (const name of [
      "prometheus/shard-2/prometheus-shard-2-0.yaml",
      "prometheus/shard-2/prometheus-shard-2-1.yaml",
    ]) {
      assert.match(
        checkPrometheusConfig(files[name], mountedRules(files)),
        /SUCCESS/,
        `${name}: promtool check config`,
      );
    }
    const owner = ownersOfPods(files, [0, 1, 2]);
    assert.strictEqual(owner.size, 40, `every pod is scraped: ${owner.size}`);
    for (const [pod, owners] of owner)
      assert.deepStrictEqual(owners.length, 1, `${pod} is scraped by shards ${owners}`);
    assert.deepStrictEqual([...new Set([...owner.values()].flat())].sort(), [0, 1]);
  });
});
