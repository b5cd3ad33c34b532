import * as assert from "node:assert";
import { storeApiAlias, storeApiAliases } from "../../builders/global/store-api-aliases";

describe("the global cluster's names for each region's StoreAPIs", () => {
  const pods = [0, 1].map((replica) => ({ podName: `prometheus-shard-0-${replica}`, shard: 0, replica }));
  const region = { region: "us-east", prometheusPods: pods, tlsServerName: "us-east.monitoring.internal" };

  it("gives every StoreAPI of a region its own address, all leading to the gateway's load balancer", () => {
    const aliases = storeApiAliases(region, "abc.elb.us-east-1.amazonaws.com", 10901);
    assert.deepStrictEqual(
      aliases.map((a) => a.route),
      ["prometheus-shard-0-0", "prometheus-shard-0-1", "thanos-store"],
    );
    assert.strictEqual(new Set(aliases.map((a) => a.address)).size, 3);
    for (const a of aliases)
      assert.deepStrictEqual(a.service, { type: "ExternalName", externalName: "abc.elb.us-east-1.amazonaws.com" });
    assert.strictEqual(aliases[0].address, "store-api-us-east-prometheus-shard-0-0.monitoring.svc:10901");
  });

  it("uses a selector-less Service and an EndpointSlice for a load balancer with an IP (an ExternalName must be a DNS name)", () => {
    const alias = storeApiAlias("eu-west", "thanos-store", "192.0.2.7", 10901);
    assert.strictEqual(alias.service.type, "ClusterIP");
    assert.deepStrictEqual(alias.endpointSlice, {
      addressType: "IPv4",
      endpoints: [{ addresses: ["192.0.2.7"] }],
      ports: [{ name: "store-api", port: 10901, protocol: "TCP" }],
    });
  });

  it("dials a NodePort-exposed gateway at the node's address and the node port", () => {
    const aliases = storeApiAliases(region, "10.20.0.5", 30901);
    assert.ok(aliases.every((a) => a.address.endsWith(":30901")));
    assert.deepStrictEqual(aliases[0].endpointSlice?.endpoints, [{ addresses: ["10.20.0.5"] }]);
    assert.deepStrictEqual(aliases[0].endpointSlice?.ports, [{ name: "store-api", port: 30901, protocol: "TCP" }]);
  });

  it("names the stack when a Service name would not be a DNS label", () => {
    assert.throws(
      () => storeApiAlias("a-region-name-far-too-long-for-kubernetes", "prometheus-shard-63-1", "192.0.2.7", 10901),
      /region 'a-region-name-far-too-long-for-kubernetes'.*63 characters/,
    );
  });
});
