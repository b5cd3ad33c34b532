/**
 * A region in remote-write mode under mocks: its shards run Prometheus in agent mode with no sidecar, write to
 * the configured Receive endpoint with a client certificate of their own, and the region says so in its
 * outputs (which the contract still validates); the sidecar objects of us-east's own stack file are untouched
 * (test/stacks/us-east.test.ts).
 */
import * as assert from "node:assert";
import { PATHS, RECEIVE_TLS_SERVER_NAME, REMOTE_WRITE_CERTIFICATE } from "../../builders/regional/layout";
import { validateRegionalOutputs } from "../../contracts/validate-regional-outputs";
import { type ProgramRun, runProgram } from "../harness/program";
import { K8S, containers, fileOf, k8sObject, ofType } from "./graph";

const ENDPOINT = "receive.monitoring.example.com:19291";

describe("stack us-east in remote-write mode", () => {
  let run: ProgramRun;

  before(async () => {
    run = await runProgram("us-east", {
      config: { ingestion: { mode: "remote-write", receiveEndpoint: ENDPOINT } },
    });
  });

  const shards = () =>
    ofType(run, K8S.statefulSet).filter((s) => String(s.args.metadata?.name).startsWith("prometheus-shard-"));

  it("runs every shard as agents: one prometheus container with --agent, no sidecar, no rules", () => {
    assert.ok(shards().length > 0);
    for (const shard of shards()) {
      const names = containers(shard).map((c) => c.name);
      assert.deepStrictEqual(names, ["prometheus"], `${shard.name}: ${names.join(", ")}`);
      const args: string[] = containers(shard)[0].args;
      assert.strictEqual(args[0], "--agent");
      assert.ok(!args.some((a) => a.startsWith("--storage.tsdb.")), args.join(" "));
      const volumes = shard.args.spec.template.spec.volumes.map((v: any) => v.name);
      assert.ok(volumes.includes("remote-write") && !volumes.includes("rules") && !volumes.includes("objstore"));
    }
  });

  it("each shard's config writes to the Receive endpoint over mutual TLS and evaluates nothing", () => {
    for (const shard of shards()) {
      const configMap = k8sObject(run, K8S.configMap, `${shard.args.metadata.name}-config`);
      const config = fileOf(configMap, "prometheus.yaml.tmpl");
      assert.strictEqual(config.rule_files, undefined);
      assert.strictEqual(config.alerting, undefined);
      assert.strictEqual(config.remote_write[0].url, `https://${ENDPOINT}/api/v1/receive`);
      assert.deepStrictEqual(config.remote_write[0].tls_config, {
        ca_file: PATHS.alertingCaFile,
        cert_file: PATHS.remoteWriteCertFile,
        key_file: PATHS.remoteWriteKeyFile,
        server_name: RECEIVE_TLS_SERVER_NAME,
      });
    }
  });

  it("mounts a client certificate of the region's own, whose key is a secret", () => {
    const secret = k8sObject(run, K8S.secret, "prometheus-remote-write");
    assert.deepStrictEqual(Object.keys(secret.args.stringData).sort(), ["tls.crt", "tls.key"]);
  });

  it("exports ingestionMode and the client certificate's expiry, and still meets the outputs contract", () => {
    assert.strictEqual(run.outputs.ingestionMode, "remote-write");
    assert.ok(run.outputs.certificateExpiries[REMOTE_WRITE_CERTIFICATE]);
    validateRegionalOutputs("global", "acme/monitoring/us-east", run.outputs);
    assert.throws(
      () => validateRegionalOutputs("global", "acme/monitoring/us-east", { ...run.outputs, ingestionMode: "push" }),
      /output 'ingestionMode' is not remote-write/,
    );
  });

  it("admits no gateway to an agent's web port", () => {
    const policy = ofType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find(
      (p) => p.args.metadata?.name === "prometheus",
    );
    assert.ok(policy);
    assert.doesNotMatch(JSON.stringify(policy.args.spec.ingress), /gateway/);
  });
});
