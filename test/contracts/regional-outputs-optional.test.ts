/** The optional regional outputs: read when a region has them, refused when malformed. */
import * as assert from "node:assert";
import { validateRegionalOutputs } from "../../contracts/validate-regional-outputs";
import { exposedRegion } from "../fixtures/global-fixtures";

const outputs = (extra: Record<string, unknown>) => ({
  ...exposedRegion("us-east", 0).outputs,
  kubeconfig: "apiVersion: v1\n",
  storeApiClientCert: "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n",
  storeApiClientKey: "key",
  federationPassword: "p",
  alertingCaKey: "key",
  alertingPassword: "p",
  alertingPasswordHash: `$2a$10$${"r".repeat(53)}`,
  ...extra,
});

describe("regional output certificateExpiries", () => {
  it("is optional: a region deployed before it existed still validates", () => {
    assert.strictEqual(
      validateRegionalOutputs("global", "acme/monitoring/us-east", outputs({})).certificateExpiries,
      undefined,
    );
  });

  it("is read as certificate names to RFC 3339 times, and refused otherwise", () => {
    const good = { ca: "2036-01-01T00:00:00Z", "query-client": "2027-06-01T12:00:00Z" };
    assert.deepStrictEqual(
      validateRegionalOutputs("global", "acme/monitoring/us-east", outputs({ certificateExpiries: good }))
        .certificateExpiries,
      good,
    );
    assert.throws(
      () =>
        validateRegionalOutputs(
          "global",
          "acme/monitoring/us-east",
          outputs({ certificateExpiries: { ca: "someday" } }),
        ),
      /output 'certificateExpiries' is not a map of certificate names to RFC 3339 times/,
    );
  });
});

describe("regional output gatewayExposure", () => {
  const validate = (gatewayExposure: unknown) =>
    validateRegionalOutputs("global", "acme/monitoring/on-prem-1", {
      ...outputs({ gatewayExposure }),
      region: "on-prem-1",
      externalLabels: { region: "on-prem-1" },
    });

  it("is optional (a load balancer then), and read as a load balancer or a host with its two ports", () => {
    assert.strictEqual(validate(undefined).gatewayExposure, undefined);
    const nodePort = { type: "node-port", host: "10.20.0.5", federationPort: 30943, storeApiPort: 30901 };
    assert.deepStrictEqual(validate(nodePort).gatewayExposure, nodePort);
    assert.deepStrictEqual(validate({ type: "load-balancer" }).gatewayExposure, { type: "load-balancer" });
  });

  it("is refused without a host or with a port that is not one", () => {
    const refused =
      /output 'gatewayExposure' is not \{type: load-balancer\} or \{type: node-port or address, host, federationPort, storeApiPort\}/;
    assert.throws(() => validate({ type: "node-port", federationPort: 30943, storeApiPort: 30901 }), refused);
    assert.throws(
      () => validate({ type: "address", host: "a.example.com", federationPort: 443, storeApiPort: 70000 }),
      refused,
    );
    assert.throws(() => validate({ type: "ingress" }), refused);
  });
});
