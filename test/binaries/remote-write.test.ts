/**
 * The remote-write mode's files and command lines as the pinned binaries read them: the agent's config
 * (`promtool check config --agent`), the Ruler's rule files (`thanos tools rules-check`), Receive's, the
 * Ruler's and the tenant Query's flags, and, run for real, a hashring of three Receive processes on loopback
 * with the builders' hashring and limits files, written to by a Prometheus agent over mutual TLS.
 */
import * as assert from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import * as YAML from "yaml";
import { agentArgs, agentConfig } from "../../builders/prometheus/agent";
import { prometheusConfig } from "../../builders/prometheus/config";
import { regionalAgentConfig } from "../../builders/regional/agent";
import { RECEIVE_TLS_SERVER_NAME } from "../../builders/regional/layout";
import { regionalPlan, regionalPrometheusParams } from "../../builders/regional/plan";
import { RECEIVE } from "../../builders/global/layout";
import {
  clusterReceiveArgs,
  clusterRulerArgs,
  clusterRulerQueryArgs,
  rulerRules,
  type RuledRegion,
} from "../../builders/global/receive";
import {
  RECEIVE_REPLICATION_FACTOR,
  receiveArgs,
  receiveHashrings,
  receiveLimitsConfig,
} from "../../builders/thanos/receive";
import { DEFAULTS } from "../../config/defaults";
import type { RegionalStackConfig } from "../../config/types";
import { findBinary } from "../../local/binaries";
import { Pki } from "../../local/pki";
import { PortAllocator, address } from "../../local/ports";
import { waitFor } from "../../local/wait";
import { e2eBasePort } from "../support/ports";
import { checkPrometheusConfig, runPromtool, standInPrometheusConfig, withTempDir } from "../support/promtool";
import { thanosFlagProblems } from "../support/thanos-flags";
import { runBinary, stopChild, tempDir } from "../support/tools";
import { regionalStack } from "../fixtures/regional-fixtures";

function remoteWriteRegion(): RegionalStackConfig {
  const config = regionalStack("us-east", { shards: 2 });
  return {
    ...config,
    ingestion: { mode: "remote-write", receiveEndpoint: "receive.example.com:19291", walRetention: "4h" },
  };
}

const GLOBAL = {
  receive: { replicas: 3, retention: "24h", tenantLimits: { ...DEFAULTS.receive.limits } },
  alerting: { replicas: 3 },
  federationReplicas: 2,
};
const REGION: RuledRegion = {
  region: "us-east",
  externalLabels: { region: "us-east", cloud: "aws", cluster: "us-east-monitoring" },
  replicaLabel: "prometheus_replica",
  alertingUsername: "prometheus-us-east",
};

function checkAgentConfig(config: object): string {
  return withTempDir("promtool-agent-", (dir) => {
    const file = path.join(dir, "agent.yaml");
    fs.writeFileSync(file, standInPrometheusConfig(config, dir));
    return runPromtool(["check", "config", "--agent", file]);
  });
}

describe("remote-write mode: the pinned binaries read its files and flags", () => {
  const config = remoteWriteRegion();
  const plan = regionalPlan(config);

  it("every agent's config passes promtool check config --agent", () => {
    for (const pod of plan.pods) {
      const agent = regionalAgentConfig(config, plan, config.cluster.name, pod.shard, pod.podName);
      assert.match(checkAgentConfig(agent), /SUCCESS/);
      assert.strictEqual(agent.remote_write[0].tls_config.server_name, RECEIVE_TLS_SERVER_NAME);
    }
  });

  it("the agent check can fail: a sidecar-mode config (rules, alerting) is refused in agent mode", () => {
    const sidecar = prometheusConfig(regionalPrometheusParams(config, plan, config.cluster.name, 0, "p-0"));
    assert.throws(() => checkAgentConfig(sidecar), /rule_files|alerting/);
    // ...and is a valid config for a Prometheus that is not an agent.
    assert.match(checkPrometheusConfig(sidecar), /SUCCESS/);
  });

  it("Receive, the Ruler and the tenant Query use only flags the pinned Thanos has and does not deprecate", () => {
    assert.deepStrictEqual(thanosFlagProblems("receive", clusterReceiveArgs(GLOBAL)), []);
    assert.deepStrictEqual(thanosFlagProblems("rule", clusterRulerArgs(REGION, "30s")), []);
    assert.deepStrictEqual(thanosFlagProblems("query", clusterRulerQueryArgs(REGION)), []);
    assert.ok(clusterReceiveArgs(GLOBAL).includes(`--receive.replication-factor=${RECEIVE_REPLICATION_FACTOR}`));
  });

  it("the flag check can fail", () => {
    assert.deepStrictEqual(thanosFlagProblems("receive", ["receive", "--receive.replicas=3"]), [
      "thanos receive has no flag --receive.replicas",
    ]);
  });

  it("the Ruler's rule files pass thanos tools rules-check", () => {
    const dir = tempDir("ruler-rules-");
    try {
      const files = Object.entries(rulerRules()).map(([name, rules]) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, YAML.stringify(rules));
        return file;
      });
      const output = runBinary("thanos", ["tools", "rules-check", ...files.map((f) => `--rules=${f}`)]);
      assert.match(output, /SUCCESS/);
      assert.doesNotMatch(fs.readFileSync(files.find((f) => f.endsWith("alerts.yaml"))!, "utf8"), /Sidecar/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Receive's metrics: the head series it holds for `tenant`. */
async function headSeries(httpPort: number, tenant: string): Promise<number> {
  const text = await (await fetch(`http://${address(httpPort)}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
  const line = text
    .split("\n")
    .find((l) => l.startsWith("prometheus_tsdb_head_series{") && l.includes(`tenant="${tenant}"`));
  return line ? Number(line.split(" ").pop()) : 0;
}

/** A remote-write request's outcome from a client: its status, or the TLS error that refused it. */
function post(port: number, ca: string, client?: { cert: string; key: string }): Promise<string> {
  return new Promise((resolve) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port,
        path: "/api/v1/receive",
        method: "POST",
        ca: fs.readFileSync(ca),
        servername: RECEIVE_TLS_SERVER_NAME,
        ...(client ? { cert: fs.readFileSync(client.cert), key: fs.readFileSync(client.key) } : {}),
        timeout: 5000,
      },
      (res) => {
        res.resume();
        resolve(`status ${res.statusCode}`);
      },
    );
    req.on("error", (err) => resolve(`error ${err.message}`));
    req.end("not a write request");
  });
}

describe("remote-write mode, run for real: an agent writes to a hashring of three Receive processes", function () {
  this.timeout(120000);
  const children: ChildProcess[] = [];
  let dir: string;
  let httpPorts: number[];
  let writePorts: number[];
  let pki: Pki;
  let ca: { cert: string; key: string };

  before(async () => {
    dir = tempDir("remote-write-");
    pki = new Pki(path.join(dir, "pki"));
    ca = pki.rootCa("ca", "us-east CA");
    const serverCa = pki.rootCa("alerting-ca", "us-east alerting CA");
    const server = pki.server("receive", serverCa, [RECEIVE_TLS_SERVER_NAME], ["127.0.0.1"]);
    const client = pki.client("remote-write-client", ca, "us-east");
    const ports = new PortAllocator(e2eBasePort(19090) + 1500);
    const grpcPorts = [await ports.take(), await ports.take(), await ports.take()];
    httpPorts = [await ports.take(), await ports.take(), await ports.take()];
    writePorts = [await ports.take(), await ports.take(), await ports.take()];
    const agentPort = await ports.take();
    const capnpPorts = [await ports.take(), await ports.take(), await ports.take()];

    const hashrings = path.join(dir, "hashrings.json");
    fs.writeFileSync(hashrings, JSON.stringify(receiveHashrings(grpcPorts.map((p) => ({ address: address(p) })))));
    const limits = path.join(dir, "limits.yaml");
    fs.writeFileSync(
      limits,
      YAML.stringify(
        receiveLimitsConfig({ maxConcurrency: 10, tenants: ["us-east"], limits: DEFAULTS.receive.limits }),
      ),
    );
    const objstore = path.join(dir, "objstore.yaml");
    fs.writeFileSync(objstore, YAML.stringify({ type: "FILESYSTEM", config: { directory: path.join(dir, "bucket") } }));
    for (let i = 0; i < 3; i++) {
      const args = receiveArgs({
        listen: { host: "127.0.0.1", grpcPort: grpcPorts[i], httpPort: httpPorts[i] },
        remoteWriteAddress: address(writePorts[i]),
        remoteWriteTls: { certFile: server.cert, keyFile: server.key, clientCaFile: ca.cert },
        tsdbPath: path.join(dir, `receive-${i}`),
        retention: "2h",
        objstoreConfigFile: objstore,
        hashringsFile: hashrings,
        limitsConfigFile: limits,
        localEndpoint: address(grpcPorts[i]),
        replicaLabel: { name: RECEIVE.replicaLabel, value: `receive-${i}` },
        replicationFactor: RECEIVE_REPLICATION_FACTOR,
        capnprotoAddress: address(capnpPorts[i]),
      });
      children.push(spawn(findBinary("thanos"), args, { stdio: "ignore" }));
    }
    await waitFor("three ready Receive processes", 60000, async () => {
      const ready = await Promise.all(
        httpPorts.map(async (p) => (await fetch(`http://${address(p)}/-/ready`)).status === 200),
      );
      return ready.every(Boolean) ? true : undefined;
    });

    const config = remoteWriteRegion();
    const plan = regionalPlan(config);
    const agent = agentConfig({
      ...regionalPrometheusParams(config, plan, "local", 0, "prometheus-shard-0-0"),
      scrapeInterval: "1s",
      discoveredStandIns: [],
      // Something to scrape besides itself: the first Receive's metrics, pinned to this agent's shard.
      staticJobs: [
        { job: "receive", targets: [address(httpPorts[0])], shard: 0, metricsPath: "/metrics", scheme: "http" },
      ],
      localPorts: { web: agentPort },
      remoteWrite: {
        endpoint: address(writePorts[0]),
        serverName: RECEIVE_TLS_SERVER_NAME,
        caFile: serverCa.cert,
        certFile: client.cert,
        keyFile: client.key,
      },
    });
    const configFile = path.join(dir, "agent.yaml");
    fs.writeFileSync(configFile, standInPrometheusConfig(agent, dir));
    const webConfig = path.join(dir, "web.yaml");
    fs.writeFileSync(webConfig, "{}\n");
    children.push(
      spawn(
        findBinary("prometheus"),
        agentArgs({
          configFile,
          webConfigFile: webConfig,
          dataDir: path.join(dir, "agent"),
          retention: "1h",
          listenAddress: address(agentPort),
        }),
        { stdio: "ignore" },
      ),
    );
  });

  after(async () => {
    // Receive waits out its 2m grace periods on SIGTERM; nothing here needs a graceful end.
    for (const child of children) await stopChild(child, "SIGKILL");
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("every sample lands on all three pods (replication factor 3), under the region's tenant from its certificate", async () => {
    const counts = await waitFor("us-east's series on every Receive pod", 60000, async () => {
      const heads = await Promise.all(httpPorts.map((p) => headSeries(p, "us-east")));
      return heads.every((n) => n > 0) ? heads : undefined;
    });
    assert.strictEqual(counts.length, 3);
  });

  it("refuses a writer without a client certificate", async () => {
    const outcome = await post(writePorts[1], path.join(dir, "pki", "alerting-ca.crt"));
    assert.match(outcome, /^error /);
  });

  it("refuses a client certificate of a CA it does not trust", async () => {
    const other = pki.rootCa("other-ca", "someone else");
    const stranger = pki.client("stranger", other, "us-east");
    const outcome = await post(writePorts[1], path.join(dir, "pki", "alerting-ca.crt"), stranger);
    assert.match(outcome, /^error /);
  });

  it("admits the region's own certificate (the request itself is then judged: not a write request)", async () => {
    const outcome = await post(writePorts[1], path.join(dir, "pki", "alerting-ca.crt"), {
      cert: path.join(dir, "pki", "remote-write-client.crt"),
      key: path.join(dir, "pki", "remote-write-client.key"),
    });
    assert.strictEqual(outcome, "status 400");
  });

  it("holds a tenant the limits file does not list to the default limits (a request of 18 bytes is too large)", async () => {
    const unlisted = pki.client("unlisted", ca, "eu-west");
    const outcome = await post(writePorts[1], path.join(dir, "pki", "alerting-ca.crt"), unlisted);
    assert.strictEqual(outcome, "status 413");
  });
});
