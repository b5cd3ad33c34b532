/**
 * The pack as the Pulumi CLI runs it: `index.ts` in its own process, which prints the port of its analyzer
 * server; the test then speaks the analyzer protocol to it, as the engine does.
 */
import * as assert from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { mandatoryPolicies } from "../policies";
import { rdsMultiAz } from "../policies/aws/rds";

const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const { unknownBooleanValue } = require("@pulumi/policy/proxy") as { unknownBooleanValue: string };

const PACK_ROOT = path.resolve(__dirname, "..", "..");

function call<T>(client: any, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) =>
    client[method](request, (err: Error | null, response: T) => (err ? reject(err) : resolve(response))),
  );
}

function analyzeRequest(type: string, properties: Record<string, unknown>): analyzer.AnalyzeRequest {
  const request = new analyzer.AnalyzeRequest();
  request.setType(type);
  request.setName("db");
  request.setUrn(`urn:pulumi:test::monitoring::${type}::db`);
  request.setProperties(Struct.fromJavaScript(properties as any));
  request.setOptions(new analyzer.AnalyzerResourceOptions());
  return request;
}

describe("the policy pack served by index.ts", function () {
  this.timeout(60_000);
  let server: ChildProcess;
  let client: any;

  before(async () => {
    // The CLI starts the pack in its directory: the pack reads its version from package.json there.
    server = spawn(process.execPath, [path.join(PACK_ROOT, "bin", "index.js")], {
      cwd: PACK_ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const port = await new Promise<string>((resolve, reject) => {
      server.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
      server.once("exit", (code) => reject(new Error(`the pack exited with ${code} before serving`)));
    });
    assert.match(port, /^\d+$/);
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    if (server?.pid !== undefined) process.kill(server.pid);
  });

  it("announces every mandatory policy, with its config schema and defaults", async () => {
    const info = await call<analyzer.AnalyzerInfo>(client, "getAnalyzerInfo", new Empty());
    const policies = info.getPoliciesList();
    assert.deepStrictEqual(policies.map((p) => p.getName()).sort(), mandatoryPolicies.map((p) => p.name).sort());
    for (const policy of policies)
      assert.strictEqual(policy.getEnforcementlevel(), analyzer.EnforcementLevel.MANDATORY, policy.getName());
    const retention = policies.find((p) => p.getName() === "rds-backup-retention")!;
    assert.deepStrictEqual(retention.getConfigschema()?.getProperties()?.toJavaScript(), {
      minBackupRetentionDays: { type: "integer", minimum: 1, default: 7 },
    });
  });

  it("reports a mandatory violation for a resource that breaks a policy", async () => {
    const response = await call<analyzer.AnalyzeResponse>(
      client,
      "analyze",
      analyzeRequest("aws:rds/instance:Instance", {
        multiAz: false,
        storageEncrypted: true,
        backupRetentionPeriod: 7,
        deletionProtection: true,
        publiclyAccessible: false,
      }),
    );
    const diagnostics = response
      .getDiagnosticsList()
      .map((d) => ({ policy: d.getPolicyname(), message: d.getMessage(), level: d.getEnforcementlevel() }));
    // The server puts the policy's description before the message.
    const message = `${rdsMultiAz.description}\nRDS instance must set multiAz: true (got false)`;
    assert.deepStrictEqual(diagnostics, [
      { policy: "rds-multi-az", message, level: analyzer.EnforcementLevel.MANDATORY },
    ]);
  });

  it("during preview, skips the judgement an unknown input decides and reports nothing else", async () => {
    const response = await call<analyzer.AnalyzeResponse>(
      client,
      "analyze",
      analyzeRequest("aws:rds/instance:Instance", {
        multiAz: unknownBooleanValue,
        storageEncrypted: true,
        backupRetentionPeriod: 7,
        deletionProtection: true,
        publiclyAccessible: false,
      }),
    );
    assert.deepStrictEqual(
      response.getDiagnosticsList().map((d) => d.getMessage()),
      [],
    );
    // Every Kubernetes and GCP resource policy says it does not apply to an RDS instance.
    assert.ok(response.getNotApplicableList().some((n) => n.getPolicyName() === "gke-private-nodes"));
  });
});
