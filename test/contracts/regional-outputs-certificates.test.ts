/** The optional `certificateExpiries` regional output: read when a region has it, refused when malformed. */
import * as assert from "assert";
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
  alertingPasswordHash: "$2a$10$" + "r".repeat(53),
  ...extra,
});

describe("regional output certificateExpiries", () => {
  it("is optional: a region deployed before it existed still validates", () => {
    assert.strictEqual(validateRegionalOutputs("global", "acme/monitoring/us-east", outputs({})).certificateExpiries, undefined);
  });

  it("is read as certificate names to RFC 3339 times, and refused otherwise", () => {
    const good = { ca: "2036-01-01T00:00:00Z", "query-client": "2027-06-01T12:00:00Z" };
    assert.deepStrictEqual(validateRegionalOutputs("global", "acme/monitoring/us-east", outputs({ certificateExpiries: good })).certificateExpiries, good);
    assert.throws(() => validateRegionalOutputs("global", "acme/monitoring/us-east", outputs({ certificateExpiries: { ca: "someday" } })),
      /output 'certificateExpiries' is not a map of certificate names to RFC 3339 times/);
  });
});
