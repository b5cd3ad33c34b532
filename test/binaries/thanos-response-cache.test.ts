import * as assert from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { toYaml } from "../../builders/yaml";
import { queryFrontendArgs } from "../../builders/thanos/query-frontend";
import { inMemoryResponseCacheConfig, memcachedResponseCacheConfig } from "../../builders/thanos/response-cache";
import { findBinary } from "../../local/binaries";
import { request } from "../../local/client";
import { PortAllocator, address } from "../../local/ports";
import { waitFor } from "../../local/wait";
import { tempDir } from "../support/tools";

/**
 * Runs the pinned `thanos query-frontend` with a results cache file until it is healthy (it has parsed its files; ready waits for a downstream) or exits; returns how it
 * ended. The frontend parses the cache file at start and exits on a field it does not know.
 */
async function startFrontend(
  dir: string,
  port: number,
  cacheConfig: object,
): Promise<{ ready: boolean; output: string }> {
  const cacheFile = path.join(dir, `cache-${port}.yml`);
  const httpConfigFile = path.join(dir, "http.yml");
  fs.writeFileSync(cacheFile, toYaml(cacheConfig));
  fs.writeFileSync(httpConfigFile, "{}\n");
  const args = queryFrontendArgs({
    downstreamUrl: "http://127.0.0.1:9",
    httpAddress: address(port),
    httpConfigFile,
    responseCacheConfigFile: cacheFile,
    splitInterval: "24h",
  });
  const child = spawn(findBinary("thanos"), args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH },
  });
  let output = "";
  child.stdout.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr.on("data", (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    const ready = await waitFor(`query-frontend on ${port} to be healthy or exit`, 30_000, async () => {
      if (child.exitCode !== null) return false;
      return request({ url: `http://${address(port)}` }, "/-/healthy").then(
        () => true,
        () => undefined,
      );
    });
    return { ready, output };
  } finally {
    child.kill("SIGKILL");
    await exited;
  }
}

describe("Query Frontend results cache (pinned thanos query-frontend)", function () {
  this.timeout(90_000);
  const dir = tempDir("response-cache-");
  const ports = new PortAllocator(27700, 27799);
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("memcached: the frontend parses the file and starts", async () => {
    const config = memcachedResponseCacheConfig({
      addresses: ["dns+memcached.monitoring.svc:11211"],
      expiration: "24h",
      maxItemSize: "1MiB",
    });
    const run = await startFrontend(dir, await ports.take(), config);
    assert.ok(run.ready, run.output);
  });

  it("in-memory: the frontend parses the file and starts", async () => {
    const run = await startFrontend(dir, await ports.take(), inMemoryResponseCacheConfig("512MB"));
    assert.ok(run.ready, run.output);
  });

  it("a memcached field Thanos does not know stops the frontend (so the tests above can fail)", async () => {
    const config = memcachedResponseCacheConfig({
      addresses: ["127.0.0.1:11211"],
      expiration: "24h",
      maxItemSize: "1MiB",
    });
    const run = await startFrontend(dir, await ports.take(), {
      ...config,
      config: { ...config.config, max_item_bytes: 1 },
    });
    assert.strictEqual(run.ready, false);
    assert.match(run.output, /max_item_bytes/);
  });

  it("a memcached cache without an address is refused before any file is written", () => {
    assert.throws(
      () => memcachedResponseCacheConfig({ addresses: [], expiration: "24h", maxItemSize: "1MiB" }),
      /at least one address/,
    );
  });
});
