/**
 * `npm start` as a user runs it: the runner process itself, its exit codes and what it leaves behind. Every
 * runner a test starts is stopped by pid in `afterEach`, and the runner stops its own children.
 */
import * as assert from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { Endpoints } from "../../local/endpoints";
import { type BinaryName, SETUP_COMMAND, findBinaries, pinnedVersion, topologyBinaryFiles } from "../../local/binaries";
import { waitFor } from "../../local/wait";
import { e2eBasePort } from "../support/ports";

const MAIN = path.resolve(__dirname, "..", "..", "local", "main.js");

interface Run {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output: string;
}

function startRunner(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Run {
  const child = spawn(process.execPath, [MAIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  const run: Run = { child, exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))), output: "" };
  child.stdout?.on("data", (chunk: Buffer) => (run.output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (run.output += chunk.toString()));
  return run;
}

function listening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.once("connect", () => socket.destroy() && resolve(true));
    socket.once("error", () => resolve(false));
  });
}

async function stillListening(endpoints: Endpoints): Promise<string[]> {
  const up = await Promise.all(endpoints.endpoints.map(async (e) => ((await listening(e.url)) ? e.name : undefined)));
  return up.filter((name): name is string => name !== undefined);
}

/** Waits until nothing the runner started answers any more and its directory is gone. */
async function assertAllGone(endpoints: Endpoints, timeoutMs: number): Promise<void> {
  await waitFor("every endpoint to stop listening and the run's directory to be removed", timeoutMs, async () =>
    (await stillListening(endpoints)).length === 0 && !fs.existsSync(endpoints.root) ? true : undefined,
  );
}

describe("npm start (the runner)", function () {
  this.timeout(120_000);
  let run: Run | undefined;
  let scratch: string;

  beforeEach(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "runner-test-"));
  });

  afterEach(async function () {
    this.timeout(30_000);
    if (run && run.child.exitCode === null && run.child.signalCode === null && run.child.pid !== undefined) {
      process.kill(run.child.pid, "SIGTERM");
      await run.exited;
    }
    run = undefined;
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const endpointsFile = () => path.join(scratch, "endpoints.json");
  const readEndpoints = () => JSON.parse(fs.readFileSync(endpointsFile(), "utf8")) as Endpoints;
  const startAndWaitForEndpoints = async () => {
    run = startRunner(["--base-port", String(e2eBasePort(13090)), "--endpoints", endpointsFile()]);
    const current = run;
    await waitFor("the runner to write its endpoints", 90_000, async () => {
      if (current.child.exitCode !== null || current.child.signalCode !== null)
        throw new Error(`the runner exited early:\n${current.output}`);
      return fs.existsSync(endpointsFile()) ? true : undefined;
    });
    return readEndpoints();
  };

  it("--check passes on a healthy topology, exits 0 and leaves nothing running", async () => {
    run = startRunner(["--check", "--base-port", String(e2eBasePort(13090)), "--endpoints", endpointsFile()]);
    const code = await run.exited;
    assert.strictEqual(code, 0, run.output);
    assert.match(run.output, /check passed/);
    // The default alerts and recording rules of every Prometheus evaluate on the topology's real series.
    assert.match(run.output, /ok: every rule of every Prometheus evaluates without error/);
    await assertAllGone(readEndpoints(), 5_000);
  });

  it("SIGTERM (as Ctrl-C) stops every child it started and removes its files", async () => {
    const endpoints = await startAndWaitForEndpoints();
    assert.ok(
      endpoints.endpoints.length >= 15,
      `expected the whole topology in the endpoints file, got ${endpoints.endpoints.length}`,
    );
    assert.deepStrictEqual(
      await stillListening(endpoints),
      endpoints.endpoints.map((e) => e.name),
      "every endpoint listens while it runs",
    );
    process.kill(run!.child.pid!, "SIGTERM");
    await run!.exited;
    await assertAllGone(endpoints, 5_000);
  });

  it("when the runner itself is killed, its watchdog stops every child", async () => {
    const endpoints = await startAndWaitForEndpoints();
    process.kill(run!.child.pid!, "SIGKILL");
    await run!.exited;
    await assertAllGone(endpoints, 10_000);
  });

  it("names each missing binary and the command that builds the pinned versions", async () => {
    const empty = fs.mkdtempSync(path.join(scratch, "empty-"));
    run = startRunner([], { PATH: empty, MONITORING_TOOLS_DIR: empty });
    const code = await run.exited;
    assert.strictEqual(code, 3, run.output);
    for (const expected of [
      "prometheus 3.",
      "alertmanager 0.",
      "thanos 0.",
      "fake-gcs-server",
      "moto_server",
      SETUP_COMMAND,
    ]) {
      assert.ok(run.output.includes(expected), `the message lacks '${expected}':\n${run.output}`);
    }
  });
});

describe("binary discovery", () => {
  let dir: string;
  /** An executable that prints `version` whatever it is asked. */
  const fake = (name: string, version: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\necho "${path.basename(name)} version ${version}"\n`, { mode: 0o755 });
    return file;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "binaries-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  // Every binary the topology runs, from the one table local/binaries.ts keeps: a new one is faked too.
  const FILES = Object.entries(topologyBinaryFiles()) as [BinaryName, string][];
  const allIn = (sub: string) => {
    fs.mkdirSync(path.join(dir, sub), { recursive: true });
    return Object.fromEntries(FILES.map(([key, file]) => [key, fake(path.join(sub, file), pinnedVersion(key))]));
  };

  it("takes the project's own .tools/bin when nothing else has them", () => {
    const tools = allIn("tools/bin");
    assert.deepStrictEqual(
      findBinaries({ PATH: path.join(dir, "empty"), MONITORING_TOOLS_DIR: path.join(dir, "tools") }),
      tools,
    );
  });

  it("prefers the pinned versions on PATH over .tools/bin, and an environment variable over both", () => {
    allIn("tools/bin");
    const onPath = allIn("path");
    const env = { PATH: path.join(dir, "path"), MONITORING_TOOLS_DIR: path.join(dir, "tools") };
    assert.deepStrictEqual(findBinaries(env), onPath);
    const pinned = fake("my-prometheus", pinnedVersion("prometheus"));
    assert.deepStrictEqual(findBinaries({ ...env, PROMETHEUS_BIN: pinned }), { ...onPath, prometheus: pinned });
  });

  it("refuses an environment variable that names no executable", () => {
    allIn("path");
    assert.throws(
      () => findBinaries({ PATH: path.join(dir, "path"), PROMETHEUS_BIN: path.join(dir, "missing") }),
      /PROMETHEUS_BIN=.*missing is not an executable file/,
    );
  });
});
