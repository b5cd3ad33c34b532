/** The remote-write mode's builders: the agent's config, Receive's hashring, limits and flags, the Ruler's inputs. */
import * as assert from "node:assert";
import { federateJobName, federationPrometheusConfig } from "../../builders/federation/config";
import { RECEIVE, receiveEndpointAddresses } from "../../builders/global/layout";
import { CLUSTER_GLOBAL_LAYOUT } from "../../builders/global/render";
import { federationArgs } from "../../builders/global/wiring";
import {
  federationBaseUrls,
  clusterReceiveArgs,
  clusterReceiveHashrings,
  globalReceiveLimits,
  clusterRulerArgs,
  clusterRulerQueryArgs,
  rulerRules,
} from "../../builders/global/receive";
import { prometheusConfig } from "../../builders/prometheus/config";
import { regionalAgentArgs, regionalAgentConfig } from "../../builders/regional/agent";
import { RECEIVE_TLS_SERVER_NAME, REPLICA_LABEL } from "../../builders/regional/layout";
import { regionalPlan, regionalPrometheusParams } from "../../builders/regional/plan";
import { RECEIVE_REPLICATION_FACTOR, receiveArgs, receiveHashrings } from "../../builders/thanos/receive";
import { FEDERATED_PREFIXES } from "../../builders/rules/recording";
import { DEFAULTS } from "../../config/defaults";
import { renderRegionalFiles } from "../../builders/regional/render";
import { CERTIFICATES_EXPIRE, bucketOf, regionalStack } from "../fixtures/regional-fixtures";

const config = {
  ...regionalStack("us-east"),
  ingestion: { mode: "remote-write" as const, receiveEndpoint: "receive.example.com:19291", walRetention: "6h" },
};
const plan = regionalPlan(config);
const GLOBAL = {
  receive: { replicas: 5, retention: "24h", tenantLimits: { ...DEFAULTS.receive.limits } },
  alerting: { replicas: 3 },
  federationReplicas: 2,
};
const REGION = {
  region: "us-east",
  externalLabels: { region: "us-east", cloud: "aws", cluster: "c" },
  replicaLabel: REPLICA_LABEL,
  alertingUsername: "prometheus-us-east",
};

describe("remote-write builders", () => {
  it("an agent scrapes what the sidecar mode's Prometheus scrapes, with the same labels, and writes to Receive", () => {
    const agent = regionalAgentConfig(config, plan, "c", 0, "$(POD_NAME)");
    const sidecar = prometheusConfig(regionalPrometheusParams(config, plan, "c", 0, "$(POD_NAME)"));
    assert.deepStrictEqual(agent.global.external_labels, sidecar.global.external_labels);
    assert.deepStrictEqual(
      agent.scrape_configs.map((j) => j.job_name),
      sidecar.scrape_configs.map((j) => j.job_name).filter((name) => name !== "thanos-sidecar"),
    );
    assert.ok(!("rule_files" in agent) && !("alerting" in agent));
    assert.strictEqual(agent.remote_write[0].url, "https://receive.example.com:19291/api/v1/receive");
    assert.strictEqual(agent.remote_write[0].tls_config.server_name, RECEIVE_TLS_SERVER_NAME);
  });

  it("the agent keeps its write-ahead log as long as ingestion.walRetention says", () => {
    const args = regionalAgentArgs(config);
    assert.strictEqual(args[0], "--agent");
    assert.ok(args.includes("--storage.agent.retention.max-time=6h"));
  });

  it("a sidecar-mode region has no agent", () => {
    assert.throws(() => regionalAgentArgs(regionalStack("us-east")), /remote-write/);
  });

  it("both tiers hold the same Receive server name", () => {
    assert.strictEqual(RECEIVE.tlsServerName, RECEIVE_TLS_SERVER_NAME);
  });

  it("Receive writes each sample to 3 pods of one hashring of every pod", () => {
    const args = clusterReceiveArgs(GLOBAL);
    assert.ok(args.includes(`--receive.replication-factor=${RECEIVE_REPLICATION_FACTOR}`));
    assert.strictEqual(RECEIVE_REPLICATION_FACTOR, 3);
    assert.ok(args.includes("--receive.tenant-certificate-field=commonName"));
    assert.deepStrictEqual(clusterReceiveHashrings(GLOBAL)[0].endpoints, receiveEndpointAddresses(5));
  });

  it("refuses a hashring smaller than the replication factor, and a replication factor below 3", () => {
    assert.throws(() => receiveHashrings([{ address: "a:1" }, { address: "b:1" }]), /cannot write each sample to 3/);
    assert.throws(() => receiveHashrings([{ address: "a:1" }, { address: "a:1" }, { address: "b:1" }]), /twice/);
    const base = {
      listen: { host: "0.0.0.0", grpcPort: 1, httpPort: 2 },
      remoteWriteAddress: "0.0.0.0:3",
      remoteWriteTls: { certFile: "c", keyFile: "k", clientCaFile: "ca" },
      tsdbPath: "/t",
      retention: "1d",
      objstoreConfigFile: "o",
      hashringsFile: "h",
      limitsConfigFile: "l",
      localEndpoint: "a:1",
      replicaLabel: { name: "r", value: "v" },
    };
    assert.throws(() => receiveArgs({ ...base, replicationFactor: 2 }), /loses samples/);
  });

  it("every remote-write region is a tenant under the stack's limits; any other writes under the smallest", () => {
    const limits = globalReceiveLimits(GLOBAL, ["us-east", "eu-west"]);
    assert.deepStrictEqual(Object.keys(limits.write.tenants), ["us-east", "eu-west"]);
    assert.strictEqual(limits.write.tenants["us-east"].request.series_limit, DEFAULTS.receive.limits.requestSeries);
    assert.strictEqual(limits.write.default.request.size_bytes_limit, 1);
    assert.throws(() => globalReceiveLimits(GLOBAL, []), /no tenant/);
  });

  it("the Ruler carries the region's labels, its own replica label (dropped from alerts), and writes to every federation replica", () => {
    const args = clusterRulerArgs(REGION, "30s");
    assert.ok(args.includes('--label=region="us-east"'));
    assert.ok(args.includes(`--label=${REPLICA_LABEL}="$(POD_NAME)"`));
    assert.ok(args.includes(`--alert.label-drop=${REPLICA_LABEL}`));
    assert.strictEqual(federationBaseUrls(GLOBAL).length, 2);
  });

  it("the Ruler's Query sees the region's tenant only and deduplicates the agents and Receive's copies", () => {
    const args = clusterRulerQueryArgs(REGION);
    assert.ok(args.includes("--query.enforce-tenancy"));
    assert.ok(args.includes("--query.default-tenant-id=us-east"));
    assert.ok(args.includes(`--query.replica-label=${REPLICA_LABEL}`));
    assert.ok(args.includes(`--query.replica-label=${RECEIVE.replicaLabel}`));
  });

  it("the Ruler evaluates the recording rules the federation reads and no alert of a workload an agent region lacks", () => {
    const files = rulerRules();
    const recorded = files["recording.yaml"].groups.flatMap((g) => g.rules.map((r) => ("record" in r ? r.record : "")));
    for (const prefix of FEDERATED_PREFIXES)
      assert.ok(
        recorded.some((name) => name.startsWith(prefix)),
        prefix,
      );
    assert.ok(!files["alerts.yaml"].groups.some((g) => g.name === "thanos"));
    assert.ok(files["alerts.yaml"].groups.some((g) => g.rules.some((r) => "alert" in r && r.alert === "Watchdog")));
  });
});

describe("a remote-write region's rendered files", () => {
  it("are agent configs and the agent's command line, with no sidecar", () => {
    const files = renderRegionalFiles({
      config,
      objectStore: bucketOf(config),
      certificatesExpire: CERTIFICATES_EXPIRE,
    });
    const pod = files["prometheus/shard-0/prometheus-shard-0-0.yaml"];
    assert.match(pod, /remote_write:/);
    assert.doesNotMatch(pod, /rule_files:/);
    assert.match(files["prometheus/prometheus.args"], /^--agent\n/);
    assert.strictEqual(files["thanos/sidecar.args"], undefined);
  });
});

describe("the federation beside remote-write regions", () => {
  const client = { username: "u", passwordFile: "/p", caFile: "/ca", tlsServerName: "n" };
  const params = {
    clusterName: "global",
    replicaLabel: "federation_replica",
    replica: "${POD_NAME}",
    scrapeInterval: "30s",
    evaluationInterval: "30s",
    rulesGlob: "/rules/*.yml",
    alertmanager: { ...client, targets: ["am-0:9093"] },
    thanosQuery: { addresses: ["q:10902"] },
    queryFrontend: { ...client, replicas: { addresses: ["f:9090"] } },
  };
  const usEast = {
    ...client,
    name: "us-east",
    prometheusTargets: [{ address: "gw:443", metricsPath: "/federate/p0", name: "p0" }],
  };

  it("scrapes the sidecar regions only: a remote-write region has no federate job", () => {
    const jobs = federationPrometheusConfig({
      ...params,
      regions: [usEast],
      writingRegions: ["eu-west"],
    }).scrape_configs.map((j) => j.job_name);
    assert.ok(jobs.includes(federateJobName("us-east")));
    assert.ok(!jobs.includes(federateJobName("eu-west")));
  });

  it("runs with remote-write regions alone, and refuses to run with no region at all", () => {
    assert.ok(federationPrometheusConfig({ ...params, regions: [], writingRegions: ["eu-west"] }));
    assert.throws(() => federationPrometheusConfig({ ...params, regions: [] }), /at least one region/);
  });

  it("accepts remote writes only when a region writes out", () => {
    const layout = CLUSTER_GLOBAL_LAYOUT;
    assert.ok(federationArgs(layout.federation, layout.timings, true).includes("--web.enable-remote-write-receiver"));
    assert.ok(!federationArgs(layout.federation, layout.timings, false).includes("--web.enable-remote-write-receiver"));
  });
});
