import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { mandatoryPolicies } from "../policies";
import { s3BucketVersioned } from "../policies/aws/s3";
import { monitoringNetworkPolicies } from "../policies/kubernetes/network-policies";
import { isStackPolicy, type Outcome, runPolicy } from "./engine";
import { type DumpedGraph, dumpStack, policyResources } from "./graph";

/** Every mandatory policy over a graph, each with the view the engine gives it; the violations of all. */
async function runAll(graph: DumpedGraph): Promise<Record<string, Outcome>> {
  const outcomes: Record<string, Outcome> = {};
  for (const policy of mandatoryPolicies) {
    outcomes[policy.name] = await runPolicy(policy, policyResources(graph, isStackPolicy(policy) ? "state" : "inputs"));
  }
  return outcomes;
}

function problems(outcomes: Record<string, Outcome>): string[] {
  return Object.entries(outcomes).flatMap(([name, o]) => [
    ...o.violations.map((v) => `${name}: ${v.message} (${v.urn ?? "stack"})`),
    ...o.previewSkipped.map((s) => `${name}: could not run: ${s}`),
  ]);
}

describe("a dumped resource graph", () => {
  const sample = (): DumpedGraph =>
    JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "test", "fixtures", "graph-sample.json"), "utf8"));

  // The sample's BucketVersioning carries its settings in the mocks' secret wire form, as a secret input would.
  it("links a bucket's companions to it by the id the mocks gave it, unwraps secrets, and places objects in their cluster", async () => {
    assert.deepStrictEqual(problems(await runAll(sample())), []);
  });

  it("still fails a policy when the graph breaks it", async () => {
    const graph = sample();
    const broken = {
      ...graph,
      resources: graph.resources.filter(
        (r) => r.type !== "aws:s3/bucketVersioning:BucketVersioning" && !r.type.includes("NetworkPolicy"),
      ),
    };
    assert.match(
      (await runPolicy(s3BucketVersioned, policyResources(broken, "state"))).violations[0]?.message ?? "",
      /'sample-metrics' has no BucketVersioning/,
    );
    assert.match(
      (await runPolicy(monitoringNetworkPolicies, policyResources(broken, "state"))).violations[0]?.message ?? "",
      /'monitoring' has no NetworkPolicy/,
    );
  });
});

/**
 * What each of the program's own stacks must contain for the check to mean something; a stack may run with
 * the main project's run options (a team that copies its credentials from its namespace into Prometheus').
 */
const STACKS: readonly { stack: string; title: string; runOptions?: string; expectedTypes: readonly string[] }[] = [
  {
    stack: "us-east",
    title: "us-east",
    expectedTypes: ["aws:eks/cluster:Cluster", "aws:s3/bucket:Bucket", "kubernetes:apps/v1:StatefulSet"],
  },
  {
    stack: "eu-west",
    title: "eu-west",
    expectedTypes: ["gcp:container/cluster:Cluster", "gcp:storage/bucket:Bucket", "kubernetes:apps/v1:StatefulSet"],
  },
  {
    stack: "global",
    title: "global",
    expectedTypes: [
      "aws:eks/cluster:Cluster",
      "aws:rds/instance:Instance",
      "kubernetes:apps/v1:StatefulSet",
      "kubernetes:apps/v1:Deployment",
    ],
  },
  {
    stack: "us-east",
    title: "us-east with the ledger team's credentials",
    runOptions: "test/fixtures/teams/ledger/stack.json",
    expectedTypes: [
      "aws:eks/cluster:Cluster",
      "kubernetes:apps/v1:StatefulSet",
      "kubernetes:core/v1:Secret",
      "monitoring:regional:TeamCredentials",
    ],
  },
  {
    stack: "us-east",
    title: "us-east in remote-write mode",
    runOptions: "test/fixtures/remote-write/stack.json",
    expectedTypes: ["aws:eks/cluster:Cluster", "kubernetes:apps/v1:StatefulSet", "kubernetes:core/v1:Secret"],
  },
  {
    stack: "global",
    title: "global over us-east in remote-write mode (Receive, its bucket, a Ruler pair)",
    runOptions: "test/fixtures/remote-write/global.json",
    expectedTypes: [
      "aws:s3/bucket:Bucket",
      "monitoring:global:ThanosReceive",
      "monitoring:global:RegionRuler",
      "kubernetes:apps/v1:StatefulSet",
    ],
  },
];

for (const { stack, title, runOptions, expectedTypes } of STACKS) {
  describe(`the program's ${title} stack`, () => {
    let graph: DumpedGraph;
    before(() => {
      graph = dumpStack(stack, runOptions);
    });

    it("has the resources the policies are about", () => {
      const types = new Set(graph.resources.map((r) => r.type));
      assert.deepStrictEqual(
        expectedTypes.filter((t) => !types.has(t)),
        [],
      );
    });

    it("passes every mandatory policy with no violation", async () => {
      assert.deepStrictEqual(problems(await runAll(graph)), []);
    });
  });
}
