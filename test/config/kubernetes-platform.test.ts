import { loadProgramConfig } from "../../tiers/load-config";
import * as assert from "node:assert";
import { ConfigError, type RegionalStackConfig } from "../../config";
import { rawConfigOf } from "../../config/stack-file";
import { gatewayExposure } from "../../builders/regional/exposure";
import { networkPolicyWarnings } from "../../tiers/network-policy-warnings";

/** A regional stack on a cluster the user runs, as a user would write it. */
const REGIONAL = {
  tier: "regional",
  cloud: "kubernetes",
  region: "on-prem-1",
  kubernetes: {
    egressCidrs: ["198.51.100.0/24"],
    bucket: { type: "s3", name: "on-prem-1-thanos", endpoint: "s3.example.internal:9000" },
  },
};
const SECRETS = { kubeconfig: "apiVersion: v1", bucketAccessKey: "key-id", bucketSecretKey: "key" };
const GATEWAY_PORTS = { federation: 9443, storeApi: 10901 };

function load(kubernetes: Record<string, unknown>): RegionalStackConfig {
  const values = { ...REGIONAL, kubernetes: { ...REGIONAL.kubernetes, ...kubernetes } };
  return loadProgramConfig(
    "on-prem-1",
    rawConfigOf({ ...values, ...SECRETS }, Object.keys(SECRETS)),
    process.cwd(),
  ) as RegionalStackConfig;
}

function mistakes(kubernetes: Record<string, unknown>): string[] {
  try {
    load(kubernetes);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message.split("\n");
  }
  return assert.fail("no ConfigError");
}

describe("a region on a cluster the user runs: how the global tier reaches it", () => {
  it("is a load balancer unless the stack says otherwise, dialled at the gateway's own ports", () => {
    const config = load({});
    assert.strictEqual(config.kubernetes?.exposure.type, "load-balancer");
    assert.deepStrictEqual(gatewayExposure(config.kubernetes?.exposure, GATEWAY_PORTS), { type: "load-balancer" });
    assert.deepStrictEqual(gatewayExposure(undefined, GATEWAY_PORTS), { type: "load-balancer" }, "a cloud's region");
  });

  it("a NodePort Service is dialled at the host on the project's fixed node ports, or the stack's", () => {
    assert.deepStrictEqual(
      gatewayExposure(load({ exposure: { type: "node-port", host: "10.20.0.5" } }).kubernetes?.exposure, GATEWAY_PORTS),
      { type: "node-port", host: "10.20.0.5", federationPort: 30943, storeApiPort: 30901 },
    );
    assert.deepStrictEqual(
      gatewayExposure(
        load({ exposure: { type: "node-port", host: "nodes.example.internal", federationPort: 31000 } }).kubernetes
          ?.exposure,
        GATEWAY_PORTS,
      ),
      { type: "node-port", host: "nodes.example.internal", federationPort: 31000, storeApiPort: 30901 },
    );
  });

  it("a route of the user's own is dialled at its host, on the gateway's ports unless given", () => {
    assert.deepStrictEqual(
      gatewayExposure(
        load({ exposure: { type: "address", host: "monitoring.on-prem-1.example.com" } }).kubernetes?.exposure,
        GATEWAY_PORTS,
      ),
      { type: "address", host: "monitoring.on-prem-1.example.com", ...{ federationPort: 9443, storeApiPort: 10901 } },
    );
  });

  it("refuses a node port or an address without a host, a host for a load balancer, and one port for both", () => {
    assert.deepStrictEqual(mistakes({ exposure: { type: "node-port" } }), [
      "stack 'on-prem-1': config key 'monitoring:kubernetes.exposure.host' has no value (it is required); allowed: the address the global tier dials this region at (required for type node-port)",
    ]);
    assert.deepStrictEqual(mistakes({ exposure: { host: "10.20.0.5" } }), [
      "stack 'on-prem-1': config key 'monitoring:kubernetes.exposure.host' has the value \"10.20.0.5\"; allowed: no value: a load balancer's address and ports are its own (set it with type node-port or address)",
    ]);
    assert.deepStrictEqual(mistakes({ exposure: { type: "node-port", host: "10.20.0.5", federationPort: 30901 } }), [
      "stack 'on-prem-1': config key 'monitoring:kubernetes.exposure.federationPort' has the number 30901; allowed: a port other than storeApiPort's 30901",
    ]);
    assert.deepStrictEqual(
      mistakes({ exposure: { type: "address", host: "10.20.0.5", federationPort: 443, storeApiPort: 443 } }),
      [
        "stack 'on-prem-1': config key 'monitoring:kubernetes.exposure.storeApiPort' has the number 443; allowed: a port other than federationPort's 443",
      ],
    );
  });
});

describe("a cluster whose network plugin does not enforce NetworkPolicies", () => {
  it("says once which listeners any pod of the cluster can then reach; nothing where they are enforced", () => {
    assert.deepStrictEqual(networkPolicyWarnings(load({})), []);
    const [warning, ...more] = networkPolicyWarnings(load({ networkPolicies: "not-enforced" }));
    assert.deepStrictEqual(more, []);
    assert.match(
      warning,
      /^stack 'on-prem-1': config key 'monitoring:kubernetes.networkPolicies' has the value "not-enforced"; .*any pod of the cluster can reach kube-state-metrics/,
    );
  });
});

describe("a global stack on a cluster the user runs: Thanos Receive's bucket", () => {
  const GLOBAL = {
    tier: "global",
    cloud: "kubernetes",
    region: "on-prem-1",
    regions: ["acme/monitoring/on-prem-1"],
    ingressAllowedCidrs: ["203.0.113.0/24"],
    grafana: { domain: "grafana.example.com" },
    alerting: { receivers: [{ name: "oncall", type: "webhook", secretKey: "oncallUrl" }] },
    kubernetes: { egressCidrs: ["198.51.100.0/24"], database: { host: "postgres.example.internal" } },
  };
  const GLOBAL_SECRETS = { kubeconfig: "apiVersion: v1", databasePassword: "pw", oncallUrl: "https://x.example.com" };
  const loadGlobal = (kubernetes: Record<string, unknown>, secrets: Record<string, string> = {}) => {
    const all = { ...GLOBAL_SECRETS, ...secrets };
    return loadProgramConfig(
      "global",
      rawConfigOf({ ...GLOBAL, kubernetes: { ...GLOBAL.kubernetes, ...kubernetes }, ...all }, Object.keys(all)),
      process.cwd(),
    );
  };
  const bucket = { type: "s3", name: "global-receive", endpoint: "s3.example.internal:9000" };

  it("is optional (no region may write to Receive), and read with its credentials where it is named", () => {
    assert.strictEqual(loadGlobal({}).kubernetes?.bucket, undefined);
    const config = loadGlobal({ bucket }, { bucketAccessKey: "key-id", bucketSecretKey: "key" });
    assert.strictEqual(config.kubernetes?.bucket?.name, "global-receive");
  });

  it("needs its secret keys once named, as a region's does", () => {
    assert.throws(
      () => loadGlobal({ bucket }),
      /stack 'global': .*'monitoring:bucketAccessKey'.*the bucket's S3 access key ID/s,
    );
  });
});
