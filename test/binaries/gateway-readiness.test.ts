/**
 * The region gateway's readiness, run for real: the pinned HAProxy with the builder's config bound to
 * loopback as the local topology binds it (local/render.ts: static addresses, no cluster DNS). A replica
 * whose backends are all down answers `/ready` with 503 and stays alive on `/healthz`; one server coming
 * up makes it ready again.
 */
import * as assert from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import {
  GATEWAY_HEALTH_PATH,
  GATEWAY_READY_PATH,
  type HaproxyGatewayParams,
  haproxyGatewayConfig,
} from "../../builders/gateway/haproxy";
import { findBinary } from "../../local/binaries";
import { Pki } from "../../local/pki";
import { address } from "../../local/ports";
import { waitFor } from "../../local/wait";
import { stopChild, tempDir } from "../support/tools";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function status(port: number, urlPath: string): Promise<number> {
  const response = await fetch(`http://${address(port)}${urlPath}`, { signal: AbortSignal.timeout(2000) });
  return response.status;
}

/** A StoreAPI stand-in: the gateway's health check of a TCP backend is a connect, which this accepts. */
function listen(port: number): Promise<net.Server> {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => socket.destroy()).listen(port, "127.0.0.1", () => resolve(server));
  });
}

describe("the region gateway's readiness (the pinned HAProxy)", function () {
  // Checks run every 2s and a server is down after 2 failures: a state change shows within about 6s.
  this.timeout(60000);
  let dir: string;
  let haproxy: ChildProcess | undefined;
  let store: net.Server | undefined;
  let metricsPort: number;
  let storePort: number;

  before(async () => {
    dir = tempDir("gateway-readiness-");
    const pki = new Pki(path.join(dir, "pki"));
    const ca = pki.rootCa("ca", "test CA");
    const server = pki.server("server", ca, ["us-east.monitoring.internal"], []);
    const [federationPort, prometheusPort, storeApiPort, sidecarPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    [metricsPort, storePort] = [await freePort(), await freePort()];
    const params: HaproxyGatewayParams = {
      federation: {
        binds: [address(federationPort)],
        certFile: pki.bundle("gateway.pem", [server.cert, server.key]),
        backendCaFile: ca.cert,
        backendServerName: "us-east.monitoring.internal",
        routes: [
          {
            name: "prometheus-0",
            path: "/prometheus-0/federate",
            servers: [{ name: "prometheus-0", address: address(prometheusPort) }],
          },
        ],
      },
      storeApi: {
        binds: [address(storeApiPort)],
        routes: [
          {
            name: "prometheus-0",
            serverName: "prometheus-0.us-east.monitoring.internal",
            servers: [{ name: "sidecar", address: address(sidecarPort) }],
          },
          {
            name: "thanos-store",
            serverName: "thanos-store.us-east.monitoring.internal",
            servers: [{ name: "store-0", address: address(storePort) }],
          },
        ],
      },
      metricsBind: address(metricsPort),
      runtimeDns: false,
    };
    const configFile = path.join(dir, "haproxy.cfg");
    fs.writeFileSync(configFile, haproxyGatewayConfig(params));
    haproxy = spawn(findBinary("haproxy"), ["-db", "-f", configFile], { stdio: "ignore" });
    await waitFor("the gateway's liveness path", 10000, async () =>
      (await status(metricsPort, GATEWAY_HEALTH_PATH)) === 200 ? true : undefined,
    );
  });

  after(async () => {
    await stopChild(haproxy);
    store?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("is not ready while every backend is down, and stays alive", async () => {
    await waitFor("/ready to answer 503 with no backend up", 20000, async () =>
      (await status(metricsPort, GATEWAY_READY_PATH)) === 503 ? true : undefined,
    );
    assert.strictEqual(await status(metricsPort, GATEWAY_HEALTH_PATH), 200);
  });

  it("is ready again once one server of one backend is up", async () => {
    store = await listen(storePort);
    await waitFor("/ready to answer 200 with the store gateway up", 20000, async () =>
      (await status(metricsPort, GATEWAY_READY_PATH)) === 200 ? true : undefined,
    );
  });
});
