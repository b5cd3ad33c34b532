/**
 * The bounds on values that parse but that no one means, each on a passing and a failing value: the
 * refusals as ConfigErrors (config-cases.ts has their exact sentences), the warnings the entry prints
 * (tiers/sizing-rules.ts) as the sentences themselves.
 */
import { loadProgramConfig } from "../../tiers/load-config";
import * as assert from "node:assert";
import { ConfigError, type RegionalStackConfig } from "../../config";
import { rawConfigOf, readStackFile } from "../../config/stack-file";
import { TEST_SECRETS } from "../harness/stacks";
import { sizingWarnings } from "../../tiers/sizing-rules";

const usEast = readStackFile("us-east") as Record<string, any>;

/** us-east with `changes` laid over its keys, loaded as the entry loads it. */
function load(changes: Record<string, unknown>): RegionalStackConfig {
  return loadProgramConfig("us-east", rawConfigOf({ ...usEast, ...changes }), process.cwd()) as RegionalStackConfig;
}

function refusedAt(changes: Record<string, unknown>, key: string): void {
  assert.throws(
    () => load(changes),
    (err: unknown) =>
      err instanceof ConfigError && err.mistakes.some((m) => m.key === key) && err.mistakes.length === 1,
  );
}

/** One shard of 2,000,000 series scraped every 15 s: 133,333 samples/s, for which 12 GiB hold three 2h blocks. */
const heavyShard = (prometheus: Record<string, unknown>) => ({
  prometheus: { ...usEast.prometheus, shards: 1, scrapeInterval: "15s", ...prometheus },
  expectedLoad: { targets: 2000, seriesPerTarget: 1000 },
});

describe("bounds on values that parse but that no one means", () => {
  it("scrape and evaluation intervals: 1h passes, a minute more is refused", () => {
    assert.strictEqual(
      load({ prometheus: { scrapeInterval: "1h", evaluationInterval: "60m" } }).prometheus.scrapeInterval,
      "1h",
    );
    refusedAt({ prometheus: { scrapeInterval: "61m" } }, "prometheus.scrapeInterval");
    refusedAt({ prometheus: { evaluationInterval: "1h1s" } }, "prometheus.evaluationInterval");
  });

  it("shards: as many as the expected targets pass, one more is refused; a shard a static job is pinned to counts", () => {
    assert.strictEqual(load({ prometheus: { shards: 3 }, expectedLoad: { targets: 3 } }).prometheus.shards, 3);
    refusedAt({ prometheus: { shards: 4 }, expectedLoad: { targets: 3 } }, "prometheus.shards");
    const pinned = { job: "db", targets: ["db.internal:9187"], shard: 3 };
    assert.strictEqual(
      load({ prometheus: { shards: 4, staticJobs: [pinned] }, expectedLoad: { targets: 3 } }).prometheus.shards,
      4,
    );
  });

  it("a volume override: 12 GiB holds three 2h blocks of a heavy shard, 11 GiB is refused", () => {
    assert.strictEqual(load(heavyShard({ overrides: { diskGiB: 12 } })).prometheus.overrides.diskGiB, 12);
    refusedAt(heavyShard({ overrides: { diskGiB: 11 } }), "prometheus.overrides.diskGiB");
  });

  it("warns of a volume override that holds less than prometheus.retention, not of one that holds it", () => {
    assert.deepStrictEqual(sizingWarnings(load(heavyShard({ retention: "6h", overrides: { diskGiB: 12 } }))), []);
    assert.deepStrictEqual(sizingWarnings(load(heavyShard({ retention: "24h", overrides: { diskGiB: 12 } }))), [
      "stack 'us-east': config key 'monitoring:prometheus.overrides.diskGiB' has the number 12; its retention size holds about 7h of the shard's samples, " +
        "so Prometheus deletes blocks by size before prometheus.retention (24h); 32 GiB holds it all, or leave diskGiB out for the computed size",
    ]);
  });

  it("warns of CPU and memory overrides below the sizing function's requests, not of those at or above them", () => {
    const computed = load({}).prometheus;
    assert.deepStrictEqual(computed.overrides, {});
    assert.deepStrictEqual(sizingWarnings(load({ prometheus: { overrides: { cpu: "2", memory: "8Gi" } } })), []);
    assert.deepStrictEqual(sizingWarnings(load({ prometheus: { overrides: { cpu: "100m", memory: "256Mi" } } })), [
      "stack 'us-east': config key 'monitoring:prometheus.overrides.cpu' has the value \"100m\"; below the 350m the sizing function computes for 300000 series per shard (builders/sizing): " +
        "less CPU throttles ingestion under the expected load; keep it only if you measured less",
      "stack 'us-east': config key 'monitoring:prometheus.overrides.memory' has the value \"256Mi\"; below the 809Mi the sizing function computes for 300000 series per shard (builders/sizing): " +
        "less memory gets the pod OOM-killed under the expected load; keep it only if you measured less",
    ]);
  });

  it("the program's own stack files warn of nothing", () => {
    for (const stack of ["us-east", "eu-west", "global"]) {
      const values = readStackFile(stack);
      const secrets = TEST_SECRETS[stack] ?? {};
      const config = loadProgramConfig(
        stack,
        rawConfigOf({ ...values, ...secrets }, Object.keys(secrets)),
        process.cwd(),
      );
      assert.deepStrictEqual(sizingWarnings(config), [], stack);
    }
  });
});
