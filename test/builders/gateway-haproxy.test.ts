import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { HaproxyGatewayParams, haproxyGatewayConfig } from "../../builders/gateway/haproxy";
import { GATEWAY_PORTS, gatewayRoutes, loadBalancersPerRegion, storeApiServerName } from "../../builders/gateway/routes";
import { regionalGatewayConfig } from "../../builders/regional/gateway";
import { regionalPlan } from "../../builders/regional/plan";
import { Pki } from "../../local/pki";
import { runBinary, tempDir } from "../support/tools";
import { regionalStack } from "../fixtures/regional-fixtures";

/** `haproxy -c`: the pinned HAProxy parses the file, resolves every option and loads every certificate. */
function haproxyCheck(config: string, dir: string): string {
  const file = path.join(dir, `haproxy-${Math.random().toString(36).slice(2)}.cfg`);
  fs.writeFileSync(file, config);
  return runBinary("haproxy", ["-c", "-f", file]);
}

describe("the region gateway's HAProxy config", () => {
  let dir: string;
  let certFile: string;
  let caFile: string;

  before(() => {
    dir = tempDir("gateway-haproxy-");
    const pki = new Pki(path.join(dir, "pki"));
    const ca = pki.rootCa("ca", "test CA");
    const server = pki.server("server", ca, ["us-east.monitoring.internal"], []);
    certFile = pki.bundle("gateway.pem", [server.cert, server.key]);
    caFile = ca.cert;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const localParams = (): HaproxyGatewayParams => ({
    federation: {
      binds: ["127.0.0.1:34101"],
      certFile,
      backendCaFile: caFile,
      backendServerName: "us-east.monitoring.internal",
      routes: [{ name: "prometheus-shard-0-0", path: "/prometheus-shard-0-0/federate", servers: [{ name: "prometheus-shard-0-0", address: "127.0.0.1:34102" }] }],
    },
    storeApi: {
      binds: ["127.0.0.1:34103", "127.0.0.1:34104"],
      routes: [
        { name: "prometheus-shard-0-0", serverName: "prometheus-shard-0-0.us-east.monitoring.internal", servers: [{ name: "sidecar", address: "127.0.0.1:34105" }] },
        { name: "thanos-store", serverName: "thanos-store.us-east.monitoring.internal", servers: [{ name: "store-0", address: "127.0.0.1:34106" }, { name: "store-1", address: "127.0.0.1:34107" }] },
      ],
    },
    metricsBind: "127.0.0.1:34108",
    runtimeDns: false,
  });

  it("is accepted by the pinned HAProxy as the local topology binds it", () => {
    const output = haproxyCheck(haproxyGatewayConfig(localParams()), dir);
    assert.match(output, /Configuration file is valid/);
  });

  it("is accepted by the pinned HAProxy as a cluster binds it, at 8 shards of 2 replicas, with pods not yet resolvable", () => {
    const config = regionalStack("us-east", { shards: 8 });
    const plan = regionalPlan(config);
    const text = regionalGatewayConfig(plan, { certFile, caFile });
    assert.match(haproxyCheck(text, dir), /Configuration file is valid/);
    assert.strictEqual((text.match(/^backend federate-/gm) ?? []).length, plan.pods.length);
    assert.strictEqual((text.match(/^backend store-api-/gm) ?? []).length, plan.pods.length + 1);
    // Exactly two listeners the load balancer may expose, plus the exporter's.
    assert.deepStrictEqual(text.match(/^ {2}bind \S+/gm), [`  bind :${GATEWAY_PORTS.metrics}`, `  bind :${GATEWAY_PORTS.federation}`, `  bind :${GATEWAY_PORTS.storeApi}`]);
  });

  it("the check can fail: HAProxy refuses a config whose certificate file does not exist", () => {
    const broken = { ...localParams(), federation: { ...localParams().federation, certFile: path.join(dir, "missing.pem") } };
    assert.throws(() => haproxyCheck(haproxyGatewayConfig(broken), dir), /missing\.pem/);
  });

  it("routes each federation path and each StoreAPI server name to its own backend, and nothing else", () => {
    const text = haproxyGatewayConfig(localParams());
    assert.match(text, /use_backend federate-prometheus-shard-0-0 if \{ path \/prometheus-shard-0-0\/federate \}/);
    assert.match(text, /use_backend store-api-thanos-store if \{ req.ssl_sni -i thanos-store.us-east.monitoring.internal \}/);
    assert.match(text, /http-request deny deny_status 405 unless METH_GET/);
    assert.match(text, /tcp-request content reject unless \{ req.ssl_hello_type 1 \}/);
    assert.doesNotMatch(text, /stats (socket|uri|enable)/, "no admin socket or stats page");
    // The StoreAPI is never terminated here: no certificate on its listener, none towards its servers.
    const storeSection = text.slice(text.indexOf("frontend store-api"));
    assert.doesNotMatch(storeSection, /\bssl\b|crt /);
  });

  it("refuses parameters it cannot write or that would route ambiguously", () => {
    const p = localParams();
    assert.throws(() => haproxyGatewayConfig({ ...p, federation: { ...p.federation, routes: [] } }), /at least one federation route/);
    const twice = { ...p, storeApi: { ...p.storeApi, routes: [p.storeApi.routes[0], { ...p.storeApi.routes[1], serverName: p.storeApi.routes[0].serverName.toUpperCase() }] } };
    assert.throws(() => haproxyGatewayConfig(twice), /two StoreAPI server names/);
    const spaced = { ...p, metricsBind: "127.0.0.1:1 # x" };
    assert.throws(() => haproxyGatewayConfig(spaced), /cannot be written/);
  });

  it("one load balancer per region, the same at 1 and at 8 shards, and routes for every pod", () => {
    for (const shards of [1, 8]) {
      const config = regionalStack("us-east", { shards });
      const plan = regionalPlan(config);
      assert.strictEqual(loadBalancersPerRegion(config), 1);
      const routes = gatewayRoutes(plan.pods, plan.tlsServerName);
      assert.strictEqual(routes.federation.length, shards * config.prometheus.replicas);
      assert.ok(routes.storeApi.some((r) => r.serverName === storeApiServerName("thanos-store", plan.tlsServerName)));
    }
  });
});
