/** The region gateway's HAProxy config as the pinned HAProxy checks it (`haproxy -c`). */
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { haproxyGatewayConfig } from "../../builders/gateway/haproxy";
import { GATEWAY_PORTS } from "../../builders/gateway/routes";
import { regionalGatewayConfig } from "../../builders/regional/gateway";
import { regionalPlan } from "../../builders/regional/plan";
import { runBinary } from "../support/tools";
import { gatewayTlsFixture } from "../fixtures/gateway-fixtures";
import { regionalStack } from "../fixtures/regional-fixtures";

/** `haproxy -c`: the pinned HAProxy parses the file, resolves every option and loads every certificate. */
function haproxyCheck(config: string, dir: string): string {
  const file = path.join(dir, `haproxy-${Math.random().toString(36).slice(2)}.cfg`);
  fs.writeFileSync(file, config);
  return runBinary("haproxy", ["-c", "-f", file]);
}

describe("the region gateway's HAProxy config", () => {
  const tls = gatewayTlsFixture();
  const localParams = tls.params;

  it("is accepted by the pinned HAProxy as the local topology binds it", () => {
    const output = haproxyCheck(haproxyGatewayConfig(localParams()), tls.dir());
    assert.match(output, /Configuration file is valid/);
  });

  it("is accepted by the pinned HAProxy as a cluster binds it, at 8 shards of 2 replicas, with pods not yet resolvable", () => {
    const config = regionalStack("us-east", { shards: 8 });
    const plan = regionalPlan(config);
    const { certFile, backendCaFile: caFile } = localParams().federation;
    const text = regionalGatewayConfig(plan, { certFile, caFile });
    assert.match(haproxyCheck(text, tls.dir()), /Configuration file is valid/);
    assert.strictEqual((text.match(/^backend federate-/gm) ?? []).length, plan.pods.length);
    assert.strictEqual((text.match(/^backend store-api-/gm) ?? []).length, plan.pods.length + 1);
    // Exactly two listeners the load balancer may expose, plus the exporter's.
    assert.deepStrictEqual(text.match(/^ {2}bind \S+/gm), [
      `  bind :${GATEWAY_PORTS.metrics}`,
      `  bind :${GATEWAY_PORTS.federation}`,
      `  bind :${GATEWAY_PORTS.storeApi}`,
    ]);
  });

  it("the check can fail: HAProxy refuses a config whose certificate file does not exist", () => {
    const broken = {
      ...localParams(),
      federation: { ...localParams().federation, certFile: path.join(tls.dir(), "missing.pem") },
    };
    assert.throws(() => haproxyCheck(haproxyGatewayConfig(broken), tls.dir()), /missing\.pem/);
  });
});
