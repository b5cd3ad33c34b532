/** Exporter command lines and the NetworkPolicy specs of the monitoring namespace. */
import * as assert from "assert";
import { findBinary } from "../../local/binaries";
import { spawnSync } from "child_process";
import { KUBE_STATE_METRICS_RESOURCES, kubeStateMetricsArgs, nodeExporterArgs } from "../../builders/regional/exporters";
import { defaultDenySpec, workloadPolicySpec } from "../../builders/regional/network-policies";

describe("regional exporters", () => {
  it("node-exporter accepts its arguments (the pinned node_exporter parses them)", () => {
    const result = spawnSync(findBinary("nodeExporter"), [...nodeExporterArgs(), "--version"], { encoding: "utf8" });
    assert.ok(!result.error, `node_exporter could not run: ${result.error?.message}`);
    assert.strictEqual(result.status, 0, result.stderr);
    const bad = spawnSync(findBinary("nodeExporter"), ["--path.nosuch=/x", "--version"], { encoding: "utf8" });
    assert.notStrictEqual(bad.status, 0, "an unknown flag is rejected, so the check can fail");
  });

  it("kube-state-metrics reports exactly the resources its ClusterRole lets it list, never Secrets or ConfigMaps", () => {
    const listed: string[] = kubeStateMetricsArgs().find((a) => a.startsWith("--resources="))!.slice("--resources=".length).split(",");
    assert.ok(!listed.includes("secrets") && !listed.includes("configmaps"));
    assert.deepStrictEqual(listed, Object.values(KUBE_STATE_METRICS_RESOURCES).flat().sort());
  });
});

describe("monitoring NetworkPolicies", () => {
  it("deny all ingress and egress by default", () => {
    assert.deepStrictEqual(defaultDenySpec(), { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("admit load-balanced ports from anywhere and the rest from the namespace only", () => {
    const spec = workloadPolicySpec({ app: "x" }, [
      { port: 9090, from: "anywhere" },
      { port: 10902, from: "namespace" },
    ], "object-store");
    assert.deepStrictEqual(spec.ingress, [
      { ports: [{ protocol: "TCP", port: 9090 }] },
      { from: [{ podSelector: {} }], ports: [{ protocol: "TCP", port: 10902 }] },
    ]);
    assert.deepStrictEqual(spec.egress[0], { ports: [{ protocol: "TCP", port: 443 }] }, "object storage over HTTPS only");
  });

  it("refuse a policy that admits nothing", () => {
    assert.throws(() => workloadPolicySpec({ app: "x" }, [], "anywhere"), /at least one port/);
  });
});
