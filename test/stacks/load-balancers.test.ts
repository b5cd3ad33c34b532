/**
 * The cost of a region's exposure does not grow with its shards: us-east at 1 and at 8 shards (of 2
 * replicas) gets the same load balancers, counted in what its own program and the global program create
 * for it, and that count is what loadBalancersPerRegion (which the benchmark's cost table reads) says.
 */
import * as assert from "node:assert";
import { loadBalancersPerRegion } from "../../builders/gateway/routes";
import type { GlobalStackConfig, RegionalStackConfig } from "../../config";
import { type ProgramRun, readStackFile } from "../harness/program";
import { ownStackOptions, runStackInChild } from "../harness/stacks";
import { K8S, configOf, ofType } from "./graph";
import { onProvider, regionProvider } from "./global-checks";

const REGION = "us-east";

describe("load balancers of a region, at 1 and at 8 shards", function () {
  this.timeout(300_000);
  const global = configOf("global") as GlobalStackConfig;
  const reference = global.regions.find((r) => r.name === REGION)!.stackReference;
  const counted: Record<number, { regional: ProgramRun; global: ProgramRun; config: RegionalStackConfig }> = {};

  before(() => {
    const own = ownStackOptions("global");
    for (const shards of [1, 8]) {
      const prometheus = { ...(readStackFile(REGION).prometheus as object), shards };
      const regional = runStackInChild(REGION, { config: { prometheus } });
      const stackReferences = {
        ...own.stackReferences,
        [reference]: { outputs: regional.outputs, secretOutputNames: regional.secretOutputs },
      };
      counted[shards] = {
        regional,
        global: runStackInChild("global", { ...own, stackReferences }),
        config: configOf(REGION, undefined, { prometheus }) as RegionalStackConfig,
      };
    }
  });

  const loadBalancers = (run: ProgramRun, provider?: string) =>
    (provider ? onProvider(run, K8S.service, provider) : ofType(run, K8S.service)).filter(
      (s) => s.args.spec.type === "LoadBalancer",
    );

  it("runs 1 and 8 shards of 2 replicas", () => {
    assert.strictEqual(counted[1].regional.outputs.prometheusPods.length, 2);
    assert.strictEqual(counted[8].regional.outputs.prometheusPods.length, 16);
  });

  it("gets the same number of load balancers at both, the number loadBalancersPerRegion gives", () => {
    const count = (shards: number) =>
      loadBalancers(counted[shards].regional).length +
      loadBalancers(counted[shards].global, regionProvider(global, REGION)).length;
    assert.strictEqual(loadBalancers(counted[8].regional).length, 0, "the region creates no load balancer itself");
    assert.strictEqual(count(1), count(8));
    assert.strictEqual(count(8), loadBalancersPerRegion(counted[8].config));
    assert.strictEqual(loadBalancersPerRegion(counted[1].config), loadBalancersPerRegion(counted[8].config));
  });

  it("still reaches every pod at 8 shards: one federation target and one Query endpoint per pod", () => {
    const pods = counted[8].regional.outputs.prometheusPods as { podName: string }[];
    const text = (name: string, key: string) =>
      ofType(counted[8].global, K8S.configMap).find((c) => c.args.metadata.name === name)!.args.data[key] as string;
    const federation = text("federation-prometheus-config", "prometheus.yml");
    const endpoints = text("thanos-query-endpoints", "endpoints.yml");
    for (const pod of pods) {
      assert.ok(
        federation.includes(`__metrics_path__: /${pod.podName}/federate`),
        `the federation scrapes ${pod.podName}`,
      );
      assert.ok(endpoints.includes(`server_name: ${pod.podName}.`), `Thanos Query reaches ${pod.podName}'s sidecar`);
    }
  });
});
