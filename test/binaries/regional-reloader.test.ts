/**
 * The Prometheus pod's reload path, run for real (Prometheus 3 and Thanos' sidecar from PATH): Prometheus
 * runs without --web.enable-lifecycle, so /-/reload and /-/quit are refused, and the sidecar's reloader,
 * started with the builder's arguments, still gets a changed rule file loaded by signalling Prometheus.
 *
 * The reloader signals the process by executable name; so that it can only ever reach the Prometheus of this
 * test, that Prometheus runs from a copy of the binary under a name of its own.
 */
import * as assert from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import * as YAML from "yaml";
import { prometheusArgs, reloadMethodFor } from "../../builders/prometheus/args";
import { POD_NAME_PLACEHOLDER } from "../../builders/regional/layout";
import { sidecarArgs } from "../../builders/thanos/sidecar";
import { findBinary } from "../../local/binaries";
import { runBinary, tempDir } from "../support/tools";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  seconds: number,
  log: () => string,
): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${seconds}s; logs:\n${log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("Prometheus reloads through the sidecar's signal, with no lifecycle API (real Prometheus and Thanos)", function () {
  this.timeout(90000);
  let dir: string;
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  let web: string;

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };
  const start = (command: string, args: string[], env: Record<string, string> = {}) => {
    const child = spawn(command, args, {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d) => logs.push(String(d)));
    child.stderr!.on("data", (d) => logs.push(String(d)));
    children.push(child);
    return child;
  };
  const groups = async () => {
    const response = await fetch(`${web}/api/v1/rules`);
    const body = (await response.json()) as { data: { groups: { name: string }[] } };
    return body.data.groups.map((g) => g.name);
  };
  const rules = (...names: string[]) =>
    YAML.stringify({ groups: names.map((name) => ({ name, rules: [{ record: `${name}:up`, expr: "vector(1)" }] })) });

  before(async () => {
    dir = tempDir("reloader-");
    const processName = `prom${process.pid % 100000}r`;
    const binary = path.join(dir, processName);
    fs.copyFileSync(findBinary("prometheus"), binary);
    fs.chmodSync(binary, 0o755);
    const [webPort, grpcPort, httpPort] = [await freePort(), await freePort(), await freePort()];
    web = `http://127.0.0.1:${webPort}`;

    const template = write(
      "config/prometheus.yaml.tmpl",
      YAML.stringify({
        global: { evaluation_interval: "1s", external_labels: { prometheus_replica: POD_NAME_PLACEHOLDER } },
        rule_files: [path.join(dir, "rules", "*.yaml")],
      }),
    );
    const configOut = path.join(dir, "config_out", "prometheus.yaml");
    write("config_out/prometheus.yaml", fs.readFileSync(template, "utf8").replace(POD_NAME_PLACEHOLDER, "pod-0"));
    write("rules/a.yaml", rules("first"));
    // Plain HTTP here: the pod's TLS and basic auth are tested elsewhere; the reload path is what matters.
    const webConfig = write("web.yaml", "{}\n");
    // Listening on every address, as in the pods: no lifecycle API, so the reloader has to signal.
    const listenAddress = `0.0.0.0:${webPort}`;
    const args = prometheusArgs({
      configFile: configOut,
      webConfigFile: webConfig,
      dataDir: path.join(dir, "data"),
      retention: "6h",
      listenAddress,
      blockDuration: "2h",
    });
    assert.ok(!args.some((a) => a.startsWith("--web.enable-lifecycle")));
    start(binary, args);
    await until(
      "Prometheus is ready",
      async () => ((await fetch(`${web}/-/ready`)).ok ? true : undefined),
      30,
      () => logs.join(""),
    );

    runBinary("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-subj",
      "/CN=sidecar",
      "-days",
      "1",
      "-keyout",
      path.join(dir, "tls.key"),
      "-out",
      path.join(dir, "tls.crt"),
    ]);
    const sidecar = sidecarArgs({
      listen: { host: "127.0.0.1", grpcPort, httpPort },
      tls: {
        certFile: path.join(dir, "tls.crt"),
        keyFile: path.join(dir, "tls.key"),
        clientCaFile: path.join(dir, "tls.crt"),
      },
      prometheusUrl: web,
      prometheusClientConfigFile: write("client.yaml", "{}\n"),
      tsdbPath: path.join(dir, "data"),
      // No bucket: the sidecar then only serves the StoreAPI and reloads, which is all this test needs.
      objstoreConfigFile: write("objstore.yaml", ""),
      configTemplateFile: template,
      configOutFile: configOut,
      ruleDir: path.join(dir, "rules"),
      reloadMethod: reloadMethodFor(listenAddress),
    });
    start(
      findBinary("thanos"),
      [...sidecar, `--reloader.process-name=${processName}`, "--reloader.watch-interval=1s"],
      { POD_NAME: "pod-0" },
    );
    await until(
      "the sidecar is ready",
      async () => ((await fetch(`http://127.0.0.1:${httpPort}/-/ready`)).ok ? true : undefined),
      30,
      () => logs.join(""),
    );
  });

  after(() => {
    for (const child of children) child.kill("SIGTERM");
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("refuses /-/reload and /-/quit over HTTP", async () => {
    for (const endpoint of ["/-/reload", "/-/quit"]) {
      const response = await fetch(`${web}${endpoint}`, { method: "POST" });
      assert.strictEqual(response.status, 403, `${endpoint}: ${response.status}`);
    }
    assert.deepStrictEqual(await groups(), ["first"], "Prometheus is still running its first config");
  });

  it("loads a changed rule file once the sidecar's reloader has signalled it", async () => {
    write("rules/a.yaml", rules("first", "second"));
    const loaded = await until(
      "Prometheus loads the new rule group",
      async () => {
        const names = await groups();
        return names.includes("second") ? names : undefined;
      },
      45,
      () => logs.join(""),
    );
    assert.deepStrictEqual(loaded, ["first", "second"]);
    assert.match(logs.join(""), /Completed loading of configuration file|SIGHUP|Reload triggered|reloaded/i);
  });
});
