/** The region gateway's HAProxy config as the builder writes it (the pinned HAProxy checks it in test/binaries/gateway-haproxy-check.test.ts). */
import * as assert from "node:assert";
import { haproxyGatewayConfig } from "../../builders/gateway/haproxy";
import { gatewayRoutes, loadBalancersPerRegion, storeApiServerName } from "../../builders/gateway/routes";
import { regionalPlan } from "../../builders/regional/plan";
import { gatewayTlsFixture } from "../fixtures/gateway-fixtures";
import { regionalStack } from "../fixtures/regional-fixtures";

describe("the region gateway's HAProxy config", () => {
  const tls = gatewayTlsFixture();
  const localParams = tls.params;

  it("routes each federation path and each StoreAPI server name to its own backend, and nothing else", () => {
    const text = haproxyGatewayConfig(localParams());
    assert.match(text, /use_backend federate-prometheus-shard-0-0 if \{ path \/prometheus-shard-0-0\/federate \}/);
    assert.match(
      text,
      /use_backend store-api-thanos-store if \{ req.ssl_sni -i thanos-store.us-east.monitoring.internal \}/,
    );
    assert.match(text, /http-request deny deny_status 405 unless METH_GET/);
    assert.match(text, /tcp-request content reject unless \{ req.ssl_hello_type 1 \}/);
    assert.doesNotMatch(text, /stats (socket|uri|enable)/, "no admin socket or stats page");
    // The StoreAPI is never terminated here: no certificate on its listener, none towards its servers.
    const storeSection = text.slice(text.indexOf("frontend store-api"));
    assert.doesNotMatch(storeSection, /\bssl\b|crt /);
  });

  it("refuses parameters it cannot write or that would route ambiguously", () => {
    const p = localParams();
    assert.throws(
      () => haproxyGatewayConfig({ ...p, federation: { ...p.federation, routes: [] } }),
      /at least one federation route/,
    );
    const twice = {
      ...p,
      storeApi: {
        ...p.storeApi,
        routes: [
          p.storeApi.routes[0],
          { ...p.storeApi.routes[1], serverName: p.storeApi.routes[0].serverName.toUpperCase() },
        ],
      },
    };
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
