/**
 * What `npm run deploy` decides before the engine runs (the order of the stacks) and what it reads off the
 * engine afterwards (the sentences of a failure, the summary table); the engine tests run it for real.
 */
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { deployPlan, summaryTable } from "../../local/engine/orchestrator";
import { engineMessage } from "../../local/engine/workspace";
import { tempDir } from "../support/tools";

function projectWith(stacks: Record<string, Record<string, unknown>>): string {
  const dir = tempDir("orchestrator-");
  for (const [stack, config] of Object.entries(stacks)) {
    const doc = {
      config: Object.fromEntries(Object.entries(config).map(([key, value]) => [`monitoring:${key}`, value])),
    };
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), YAML.stringify(doc));
  }
  return dir;
}

describe("npm run deploy: the plan and the summary", () => {
  const dir = projectWith({
    "us-east": { tier: "regional" },
    "eu-west": { tier: "regional" },
    "ap-south": { tier: "regional" },
    global: { tier: "global", regions: ["acme/monitoring/us-east", "acme/monitoring/eu-west"] },
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("runs the regions a global stack lists, by the names its StackReferences use, before it", () => {
    assert.deepStrictEqual(deployPlan(dir, ["global"]), {
      regions: ["acme/monitoring/us-east", "acme/monitoring/eu-west"],
      globals: ["global"],
    });
  });

  it("takes every global stack when none is named, and a region named alone without the global tier", () => {
    assert.deepStrictEqual(deployPlan(dir, []).globals, ["global"]);
    assert.deepStrictEqual(deployPlan(dir, ["ap-south"]), { regions: ["ap-south"], globals: [] });
    assert.deepStrictEqual(deployPlan(dir, ["us-east", "global"]).regions, ["us-east", "acme/monitoring/eu-west"]);
  });

  it("refuses a stack without a stack file, naming it", () => {
    assert.throws(
      () => deployPlan(dir, ["us-west"]),
      /no stack file Pulumi\.us-west\.yaml .*'us-west' is not a stack of this project/,
    );
  });

  it("reads the engine's error sentences and mandatory policy violations off its output, not its closing line", () => {
    const output = [
      "Policies:",
      "    ❌ monitoring@v0.1.0 (local: policy/analyzer)",
      "        - [mandatory]  k8s-load-balancer-served  (kubernetes:core/v1:Service: grafana)",
      "          A LoadBalancer Service asks for a load balancer the cluster serves.",
      "          LoadBalancer Service asks the AWS Load Balancer Controller, which the stacks do not install",
      "Diagnostics:",
      "  pulumi:pulumi:Stack (monitoring-global):",
      "    warning: using pulumi-resource-tls from $PATH",
      "    error: stack 'global': regional stack 'acme/monitoring/us-east' output 'tier' is missing",
      "    stack 'global': regional stack 'acme/monitoring/eu-west' output 'tier' is missing",
      "    error: update failed",
    ].join("\n");
    assert.strictEqual(
      engineMessage(new Error("code: 255"), output),
      [
        "policy k8s-load-balancer-served (kubernetes:core/v1:Service: grafana): LoadBalancer Service asks the AWS Load Balancer Controller, which the stacks do not install",
        "stack 'global': regional stack 'acme/monitoring/us-east' output 'tier' is missing\nstack 'global': regional stack 'acme/monitoring/eu-west' output 'tier' is missing",
      ].join("\n"),
    );
  });

  it("sums up one line per stack, then why any did not succeed", () => {
    const table = summaryTable([
      { stack: "us-east", operation: "up", result: "succeeded", changes: { create: 62, same: 0 }, seconds: 15.2 },
      {
        stack: "global",
        operation: "up",
        result: "failed",
        changes: {},
        seconds: 3,
        message: "policy k8s-ha-replicas (...): at least 2 are required",
      },
    ]);
    assert.strictEqual(
      table,
      [
        "stack    result     changes    time",
        "us-east  succeeded  62 create  15.2 s",
        "global   failed     -          3 s",
        "",
        "global: policy k8s-ha-replicas (...): at least 2 are required",
      ].join("\n"),
    );
  });
});
