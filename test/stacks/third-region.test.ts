/**
 * Adding a region is a stack file and one line in the global stack's `regions`, no code change
 * (design.md). Here the third region, ap-south, has no stack file: its config is given in full, its program
 * runs in a child process like the others', and the global stack lists it after us-east and eu-west.
 */
import * as assert from "node:assert";
import type { GlobalStackConfig } from "../../config";
import type { RegionalOutputs } from "../../contracts/regional-outputs";
import { type ProgramRun, readStackFile, runProgram } from "../harness/program";
import { ownStackOptions, runStackInChild } from "../harness/stacks";
import { gatewayRoutes } from "../../builders/gateway/routes";
import { configOf, ofType } from "./graph";
import {
  assertRegionWiring,
  datasources,
  federationJobs,
  onProvider,
  queryEndpoints,
  regionProvider,
  withDistinctRegionEgress,
} from "./global-checks";

const STACK = "global";
const NEW_REGION = "ap-south";
const NEW_REFERENCE = `acme/monitoring/${NEW_REGION}`;

/** A regional stack on AWS in Mumbai, with two shards so the global tier has four pods to expose. */
const NEW_REGION_CONFIG = {
  tier: "regional",
  cloud: "aws",
  region: "ap-south-1",
  cluster: { apiAllowedCidrs: ["203.0.113.0/24"], vpcCidr: "10.20.0.0/16" },
  prometheus: { replicas: 2, shards: 2, retention: "24h" },
  expectedLoad: { targets: 300, seriesPerTarget: 1000 },
};

describe("stack global with a third region listed", () => {
  let run: ProgramRun;
  let baseline: ProgramRun;
  let outputs: Record<string, RegionalOutputs>;
  const regionsLine = [...(readStackFile(STACK).regions as string[]), NEW_REFERENCE];
  const config = configOf(STACK, undefined, { regions: regionsLine }) as GlobalStackConfig;
  const regionNames = config.regions.map((r) => r.name);

  before(async () => {
    const own = ownStackOptions(STACK);
    // The global stack as it was before the line was added, in its own process.
    baseline = runStackInChild(STACK, own);
    const newRegion = runStackInChild(NEW_REGION, { configOverride: NEW_REGION_CONFIG });
    const stackReferences = withDistinctRegionEgress({
      ...own.stackReferences,
      [NEW_REFERENCE]: { outputs: newRegion.outputs, secretOutputNames: newRegion.secretOutputs },
    });
    outputs = Object.fromEntries(
      config.regions.map((r) => [r.name, stackReferences[r.stackReference].outputs as RegionalOutputs]),
    );
    run = await runProgram(STACK, { ...own, config: { regions: regionsLine }, stackReferences });
  });

  it("runs the new region's own program into a region of two shards of two replicas", () => {
    assert.strictEqual(outputs[NEW_REGION].region, NEW_REGION);
    assert.strictEqual(outputs[NEW_REGION].prometheusPods.length, 4);
    assert.strictEqual(new Set(outputs[NEW_REGION].prometheusPods.map((p) => p.shard)).size, 2);
  });

  it("wires the new region like the others: load balancers and targets file in its cluster, federation job, Query endpoints, datasource", () => {
    for (const region of regionNames) assertRegionWiring(run, config, region, outputs[region]);
  });

  it("has one federation job, one set of Query endpoints, one datasource and one targets file per listed region, no more", () => {
    assert.deepStrictEqual(
      federationJobs(run, config)
        .map((j) => j.job_name)
        .sort(),
      regionNames.map((r) => `federate-${r}`).sort(),
    );
    const serverNames = new Set(
      queryEndpoints(run, config)
        .map((e) => e.client_config?.server_name)
        .filter(Boolean),
    );
    const routeNames = regionNames.flatMap((r) =>
      gatewayRoutes(outputs[r].prometheusPods, outputs[r].tlsServerName).storeApi.map((route) => route.serverName),
    );
    assert.deepStrictEqual([...serverNames].sort(), routeNames.sort());
    const regionSources = datasources(run, config).filter((d) => regionNames.some((r) => d.name.includes(r)));
    assert.strictEqual(regionSources.length, regionNames.length);
    for (const region of regionNames) {
      assert.strictEqual(
        onProvider(run, "kubernetes:core/v1:ConfigMap", regionProvider(config, region)).length,
        1,
        region,
      );
    }
  });

  it("gains only resources of the new region, and keeps every resource it had", () => {
    const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
    const before = new Set(baseline.resources.map(key));
    const after = new Set(run.resources.map(key));
    assert.deepStrictEqual(
      [...before].filter((k) => !after.has(k)),
      [],
      "nothing removed or renamed",
    );
    const gained = run.resources.filter((r) => !before.has(key(r)));
    assert.ok(gained.length > 0);
    const notTheRegions = gained.filter((r) => !r.name.includes(NEW_REGION)).map(key);
    assert.deepStrictEqual(notTheRegions, [], "every new resource belongs to the new region");
    const newServices = onProvider(run, "kubernetes:core/v1:Service", regionProvider(config, NEW_REGION));
    assert.strictEqual(newServices.length, 1, "one load balancer, in front of the new region's gateway");
    assert.strictEqual(
      ofType(run, "pulumi:providers:kubernetes").length,
      ofType(baseline as ProgramRun, "pulumi:providers:kubernetes").length + 1,
    );
  });
});
