/**
 * The synthetic fleet's native histogram, read by the pinned Prometheus: one fleet target scraped by two
 * Prometheus servers whose global scrape settings are the builder's (histogramScraping), one with native
 * histograms on (protobuf asked for first) and one with them off. The hand-written protobuf encoder
 * (local/fleet/protobuf.ts) is right only if the real parser reads the same counts the text format gives.
 */
import * as assert from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { histogramScraping } from "../../builders/prometheus/config";
import { findBinary } from "../../local/binaries";
import { query } from "../../local/client";
import { waitFor } from "../../local/wait";
import { e2eBasePort } from "../support/ports";
import { stopChild, tempDir } from "../support/tools";

/** After the topology's ports when LOCAL_BASE_PORT moves them, else in this test's own range. */
const BASE = process.env.LOCAL_BASE_PORT ? e2eBasePort(0) + 950 : 24220;
const PORTS = { control: BASE, target: BASE + 1, native: BASE + 2, classic: BASE + 3 };
const HISTOGRAM = "http_request_duration_seconds";

describe("the synthetic fleet's native histogram, scraped by the pinned Prometheus", function () {
  this.timeout(90_000);
  let dir: string;
  const children: ChildProcess[] = [];
  const server = (port: number) => ({ url: `http://127.0.0.1:${port}` });
  const value = async (port: number, expr: string) => {
    const [sample] = await query(server(port), expr);
    return sample ? Number(sample.value[1]) : undefined;
  };

  before(() => {
    dir = tempDir("fleet-native-");
    const fleet = path.resolve(__dirname, "../../local/fleet/main.js");
    children.push(spawn(process.execPath, [fleet, String(PORTS.control), String(PORTS.target)], { stdio: "ignore" }));
    for (const [name, native] of [
      ["native", true],
      ["classic", false],
    ] as const) {
      const config = {
        global: { scrape_interval: "1s", scrape_timeout: "1s", ...histogramScraping(native) },
        scrape_configs: [
          { job_name: "fleet", static_configs: [{ targets: [`127.0.0.1:${PORTS.target}`] }], sample_limit: 1000 },
        ],
      };
      const file = path.join(dir, `${name}.yaml`);
      fs.writeFileSync(file, YAML.stringify(config));
      children.push(
        spawn(
          findBinary("prometheus"),
          [
            `--config.file=${file}`,
            `--storage.tsdb.path=${path.join(dir, name)}`,
            `--web.listen-address=127.0.0.1:${PORTS[name]}`,
          ],
          { stdio: "ignore" },
        ),
      );
    }
  });

  after(async () => {
    for (const child of children.reverse()) await stopChild(child);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("with native histograms on, reads the native histogram over protobuf and keeps the classic buckets beside it", async () => {
    const count = await waitFor("a native histogram with observations", 60_000, async () => {
      const c = await value(PORTS.native, `histogram_count(${HISTOGRAM})`);
      return c !== undefined && c > 100 ? c : undefined;
    });
    // One scrape holds both sides: the native count is the classic +Inf bucket and _count of the same scrape.
    for (const classic of [`${HISTOGRAM}_count`, `${HISTOGRAM}_bucket{le="+Inf"}`])
      assert.strictEqual(
        await value(PORTS.native, `histogram_count(${HISTOGRAM}) - on() ${classic}`),
        0,
        `native count (${count}) = ${classic}`,
      );
    // Schema 0 from (1/32, 1/16]: half the observations at or below 1/16 s, 90% at or below 1/4 s, within a count's rounding.
    const fraction = async (upper: number) => value(PORTS.native, `histogram_fraction(0, ${upper}, ${HISTOGRAM})`);
    assert.ok(Math.abs((await fraction(0.0625))! - 0.5) < 0.02, "half at or below 0.0625 s");
    assert.ok(Math.abs((await fraction(0.25))! - 0.9) < 0.02, "90% at or below 0.25 s");
    const native = await query(server(PORTS.native), `count(${HISTOGRAM}_bucket)`);
    assert.strictEqual(Number(native[0]?.value[1]), 6, "the six classic buckets, +Inf included, are kept");
    const sum = await value(PORTS.native, `histogram_sum(${HISTOGRAM}) / histogram_count(${HISTOGRAM})`);
    assert.ok(Math.abs(sum! - 0.08) < 0.001, `mean latency ${sum}`);
  });

  it("with native histograms off, the same target gives the classic buckets only", async () => {
    await waitFor("the classic buckets", 60_000, async () =>
      (await value(PORTS.classic, `count(${HISTOGRAM}_bucket)`)) === 6 ? true : undefined,
    );
    assert.deepStrictEqual(await query(server(PORTS.classic), `histogram_count(${HISTOGRAM})`), []);
  });
});
