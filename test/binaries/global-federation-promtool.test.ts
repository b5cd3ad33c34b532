/**
 * The global federation Prometheus' config and rules as the pinned promtool checks them, and its global
 * recording rules under `promtool test rules`.
 */
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { GLOBAL_FILES, renderGlobalFiles } from "../../builders/global/render";
import { FEDERATION } from "../../builders/global/layout";
import { REGIONAL_RECORDING_RULES, ESSENTIAL_SERIES } from "../../builders/federation/series";
import { globalRecordingRules } from "../../builders/federation/rules";
import { REPLICA_LABEL } from "../../contracts/regional-outputs";
import { exposedRegion, globalConfig, renderOptions } from "../fixtures/global-fixtures";
import { runBinary, tempDir, withStandInFiles } from "../support/tools";

const regions = [exposedRegion("us-east", 0, 2), exposedRegion("eu-west", 1)];
const files = renderGlobalFiles(globalConfig(["us-east", "eu-west"]), regions, renderOptions(regions));

describe("global federation Prometheus", () => {
  let dir: string;
  before(() => (dir = tempDir("federation-")));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("passes promtool check config and check rules (Debian's Prometheus 2.42)", () => {
    const root = path.join(dir, "check");
    const rulesFile = path.join(root, FEDERATION.rulesDir, "global.rules.yml");
    fs.mkdirSync(path.dirname(rulesFile), { recursive: true });
    fs.writeFileSync(rulesFile, files[GLOBAL_FILES.federationRules]);
    const configFile = path.join(root, "prometheus.yml");
    fs.writeFileSync(
      configFile,
      withStandInFiles(files[GLOBAL_FILES.federationConfig], [FEDERATION.secretsDir, FEDERATION.rulesDir], root),
    );
    const output = runBinary("promtool", ["check", "config", configFile]);
    assert.match(output, /SUCCESS: 1 rule files found/);
    runBinary("promtool", ["check", "rules", rulesFile]);
  });

  it("losing one regional replica neither leaves a gap nor doubles a global sum (promtool test rules)", () => {
    const rulesFile = path.join(dir, "global.rules.yml");
    fs.writeFileSync(rulesFile, YAML.stringify(globalRecordingRules()));
    const series = (shard: number, replica: string, values: string) => ({
      series: `${REGIONAL_RECORDING_RULES.requests}{region="us-east",cluster="us-east-monitoring",shard="${shard}",${REPLICA_LABEL}="${replica}"}`,
      values,
    });
    const expected = [
      { labels: `global:http_requests:rate5m{region="us-east",cluster="us-east-monitoring"}`, value: 15 },
    ];
    const test = {
      rule_files: [rulesFile],
      evaluation_interval: "30s",
      tests: [
        {
          interval: "30s",
          input_series: [
            // Shard 0 handles 10 req/s, shard 1 5 req/s; replica b of shard 0 dies at 5m (stale from then on).
            series(0, "shard-0-a", "10x20"),
            series(0, "shard-0-b", "10x9 stale"),
            series(1, "shard-1-a", "5x20"),
            series(1, "shard-1-b", "5x20"),
          ],
          promql_expr_test: [
            { expr: "global:http_requests:rate5m", eval_time: "2m", exp_samples: expected },
            { expr: "global:http_requests:rate5m", eval_time: "8m", exp_samples: expected },
          ],
        },
      ],
    };
    const testFile = path.join(dir, "dedup.test.yml");
    fs.writeFileSync(testFile, YAML.stringify(test));
    runBinary("promtool", ["test", "rules", testFile]);
  });

  it("merges the replicas of a federated native histogram without a gap or a double count, where max would drop it (promtool test rules)", () => {
    const rulesFile = path.join(dir, "global-histograms.rules.yml");
    fs.writeFileSync(rulesFile, YAML.stringify(globalRecordingRules()));
    // A rate of a native histogram, as /federate serves the regional rule: a gauge histogram.
    const histogram = (perSecond: number) =>
      `{{schema:0 count:${perSecond} sum:${perSecond / 10} buckets:[${perSecond / 2} ${perSecond / 2}] offset:-4 counter_reset_hint:gauge}}`;
    const series = (shard: number, replica: string, values: string) => ({
      series: `${REGIONAL_RECORDING_RULES.latencyHistogram}{region="us-east",cluster="us-east-monitoring",shard="${shard}",${REPLICA_LABEL}="${replica}"}`,
      values,
    });
    const global = "global:http_request_duration_seconds:rate5m";
    const expected = (value: number) => [{ labels: `{region="us-east",cluster="us-east-monitoring"}`, value }];
    const test = {
      rule_files: [rulesFile],
      evaluation_interval: "30s",
      tests: [
        {
          interval: "30s",
          input_series: [
            // Shard 0 observes 10 requests/s, shard 1 5/s; replica b of shard 0 dies at 5m (stale from then on).
            series(0, "shard-0-a", `${histogram(10)}x20`),
            series(0, "shard-0-b", `${histogram(10)}x9 stale`),
            series(1, "shard-1-a", `${histogram(5)}x20`),
            series(1, "shard-1-b", `${histogram(5)}x20`),
          ],
          promql_expr_test: [
            { expr: `histogram_count(${global})`, eval_time: "2m", exp_samples: expected(15) },
            { expr: `histogram_count(${global})`, eval_time: "8m", exp_samples: expected(15) },
            // Half of the observations at or below 0.0625 s (the lowest bucket), on both sides of the loss.
            { expr: `histogram_fraction(0, 0.0625, ${global})`, eval_time: "8m", exp_samples: expected(0.5) },
          ],
        },
      ],
    };
    const testFile = path.join(dir, "dedup-histograms.test.yml");
    fs.writeFileSync(testFile, YAML.stringify(test));
    runBinary("promtool", ["test", "rules", testFile]);
  });

  it("sums the sidecars' upload rates over replicas and shards: each replica's sidecar uploads its own blocks (promtool test rules)", () => {
    const rulesFile = path.join(dir, "global.rules.yml");
    fs.writeFileSync(rulesFile, YAML.stringify(globalRecordingRules()));
    const uploads = (shard: number, replica: string) => ({
      series: `${ESSENTIAL_SERIES.sidecarUploads}{region="us-east",cluster="us-east-monitoring",shard="${shard}",${REPLICA_LABEL}="${replica}"}`,
      // One block every 2h is rare within a test: one upload every minute, per sidecar.
      values: "0+1x40",
    });
    const test = {
      rule_files: [rulesFile],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: [
            uploads(0, "shard-0-a"),
            uploads(0, "shard-0-b"),
            uploads(1, "shard-1-a"),
            uploads(1, "shard-1-b"),
          ],
          promql_expr_test: [
            {
              expr: "global:thanos_shipper_uploads:rate5m * 60",
              eval_time: "20m",
              // Four sidecars, one upload a minute each; `max` across replicas would say two.
              exp_samples: [{ labels: `{region="us-east",cluster="us-east-monitoring"}`, value: 4 }],
            },
          ],
        },
      ],
    };
    const testFile = path.join(dir, "uploads.test.yml");
    fs.writeFileSync(testFile, YAML.stringify(test));
    runBinary("promtool", ["test", "rules", testFile]);
  });
});
