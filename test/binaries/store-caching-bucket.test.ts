/**
 * The store gateway's caching bucket as the pinned `thanos store` reads it. The flag is hidden from its help and
 * the backend's `config` is read leniently (a misspelt size is ignored and the default used), so the check is
 * the cache the store reports having made.
 */
import * as assert from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { storeArgs } from "../../builders/thanos/store";
import { findBinary } from "../../local/binaries";
import { request } from "../../local/client";
import { LOOPBACK, PortAllocator, address } from "../../local/ports";
import { waitFor } from "../../local/wait";
import { tempDir } from "../support/tools";

/** Runs the pinned store gateway over an empty filesystem bucket until healthy or exited; returns its log. */
async function runStore(dir: string, ports: PortAllocator, chunkCacheSizeMiB: number): Promise<string> {
  const bucket = path.join(dir, "bucket");
  fs.mkdirSync(bucket, { recursive: true });
  const objstoreFile = path.join(dir, "objstore.yml");
  fs.writeFileSync(objstoreFile, JSON.stringify({ type: "FILESYSTEM", config: { directory: bucket } }));
  const [grpcPort, httpPort] = [await ports.take(), await ports.take()];
  const args = storeArgs({
    listen: { host: LOOPBACK, grpcPort, httpPort },
    tls: { certFile: "", keyFile: "", clientCaFile: "" },
    dataDir: path.join(dir, "data"),
    objstoreConfigFile: objstoreFile,
    indexCacheSizeMiB: 64,
    syncInterval: "3m",
    chunkCacheSizeMiB,
  }).filter((a) => !a.startsWith("--grpc-server-tls-"));
  const child = spawn(findBinary("thanos"), args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH },
  });
  let output = "";
  child.stdout.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr.on("data", (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await waitFor(`thanos store on ${httpPort} to be healthy or exit`, 30_000, async () => {
      if (child.exitCode !== null) return true;
      return request({ url: `http://${address(httpPort)}` }, "/-/healthy").then(
        () => true,
        () => undefined,
      );
    });
    return output;
  } finally {
    child.kill("SIGKILL");
    await exited;
  }
}

describe("store gateway caching bucket (pinned thanos store)", function () {
  this.timeout(60_000);
  const dir = tempDir("caching-bucket-");
  const ports = new PortAllocator(27800, 27899);
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("the store makes an in-memory chunk cache of the size and item bound the builder asks for", async () => {
    const output = await runStore(dir, ports, 96);
    const made = output
      .split("\n")
      .filter((l) => l.includes("created in-memory inmemory cache"))
      .map((l) => JSON.parse(l) as { maxSizeBytes: number; maxItemSizeBytes: number });
    assert.deepStrictEqual(
      made.map((m) => [m.maxSizeBytes, m.maxItemSizeBytes]),
      [[96 * 2 ** 20, 16 * 2 ** 20]],
      output,
    );
  });

  it("a cache smaller than its largest item is refused before the store starts", () => {
    assert.throws(
      () =>
        storeArgs({
          listen: { host: LOOPBACK, grpcPort: 1, httpPort: 2 },
          tls: { certFile: "c", keyFile: "k", clientCaFile: "ca" },
          dataDir: "d",
          objstoreConfigFile: "o",
          indexCacheSizeMiB: 64,
          syncInterval: "3m",
          chunkCacheSizeMiB: 8,
        }),
      /at least 16/,
    );
  });
});
