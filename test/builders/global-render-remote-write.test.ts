/** renderGlobalFiles with remote-write regions: what the tier renders for them, and what it no longer does. */
import * as assert from "node:assert";
import * as YAML from "yaml";
import { RECEIVE, RECEIVE_STORE_ADDRESS, receiveEndpointAddresses } from "../../builders/global/layout";
import {
  GLOBAL_FILES,
  type GlobalRegionView,
  RULER_RENDERED,
  globalArgs,
  regionTargetsFile,
  renderGlobalFiles,
  rulerFile,
  rulerRuleFile,
} from "../../builders/global/render";
import type { ObjectStoreLocation } from "../../builders/cloud/object-store";
import { exposedRegion, globalConfig, renderOptions } from "../fixtures/global-fixtures";

const BUCKET: ObjectStoreLocation = {
  type: "S3",
  bucket: "acme-receive",
  region: "us-east-2",
  endpoint: "s3.us-east-2.amazonaws.com",
};

/** `name` writing to Receive: its outputs say so, and it has no gateway address. */
function writingRegion(name: string, index: number): GlobalRegionView {
  return { outputs: { ...exposedRegion(name, index).outputs, ingestionMode: "remote-write" } };
}

describe("renderGlobalFiles with remote-write regions", () => {
  const config = globalConfig(["us-east", "eu-west"]);
  const regions = [writingRegion("us-east", 0), exposedRegion("eu-west", 1)];
  const files = renderGlobalFiles(config, regions, { ...renderOptions(regions), receiveObjectStore: BUCKET });
  const yaml = (path: string) => YAML.parse(files[path]);

  it("renders Receive's command lines, hashring, limits and objstore, and each Ruler's files", () => {
    assert.deepStrictEqual(
      yaml(GLOBAL_FILES.receiveHashrings)[0].endpoints,
      receiveEndpointAddresses(config.receive.replicas),
    );
    assert.deepStrictEqual(Object.keys(yaml(GLOBAL_FILES.receiveLimits).write.tenants), ["us-east"]);
    assert.strictEqual(yaml(GLOBAL_FILES.receiveObjstore).config.bucket, "acme-receive");
    for (const file of [GLOBAL_FILES.receiveArgs, GLOBAL_FILES.receiveStoreArgs, GLOBAL_FILES.receiveCompactArgs])
      assert.ok(Array.isArray(yaml(file)), file);
    for (const name of Object.values(RULER_RENDERED).filter((n) => n !== RULER_RENDERED.rules))
      assert.ok(files[rulerFile("us-east", name)], name);
    assert.ok(files[rulerRuleFile("us-east", "recording.yaml")]);
    assert.strictEqual(files[rulerFile("eu-west", RULER_RENDERED.args)], undefined);
  });

  it("alerts when us-east's Rulers' series stop arriving, as when eu-west's federate job fails", () => {
    const alerts = yaml(GLOBAL_FILES.federationRules).groups.flatMap((g: any) => g.rules);
    const unreachable = (region: string) =>
      alerts.filter((r: any) => r.alert === "RegionUnreachable" && r.labels.region === region);
    assert.ok(unreachable("us-east").some((r: any) => r.expr.startsWith("absent(")));
    assert.ok(unreachable("us-east").every((r: any) => !r.expr.includes("federate-")));
    assert.ok(unreachable("eu-west").some((r: any) => r.expr.includes("federate-eu-west")));
  });

  it("federates, lists and writes Alertmanager targets for the dialled region only; Query reads Receive", () => {
    const jobs = yaml(GLOBAL_FILES.federationConfig).scrape_configs.map((j: any) => j.job_name);
    assert.ok(!jobs.some((j: string) => j.includes("us-east")), jobs.join(", "));
    assert.ok(
      jobs.some((j: string) => j.includes("eu-west")),
      jobs.join(", "),
    );
    assert.strictEqual(files[regionTargetsFile("us-east")], undefined);
    assert.ok(files[regionTargetsFile("eu-west")]);
    const addresses = yaml(GLOBAL_FILES.queryEndpoints).endpoints.map((e: any) => e.address);
    for (const address of [...receiveEndpointAddresses(config.receive.replicas), RECEIVE_STORE_ADDRESS])
      assert.ok(addresses.includes(address), address);
    assert.ok(yaml(GLOBAL_FILES.queryArgs).includes(`--query.replica-label=${RECEIVE.replicaLabel}`));
  });

  it("runs with every region writing: Query over Receive and the federation's sidecars alone", () => {
    const all = [writingRegion("us-east", 0), writingRegion("eu-west", 1)];
    const only = renderGlobalFiles(config, all, { ...renderOptions(all), receiveObjectStore: BUCKET });
    assert.deepStrictEqual(Object.keys(YAML.parse(only[GLOBAL_FILES.receiveLimits]).write.tenants), [
      "us-east",
      "eu-west",
    ]);
    assert.ok(YAML.parse(only[GLOBAL_FILES.queryEndpoints]).endpoints.length > config.receive.replicas);
  });

  it("renders no Receive when no region writes to it", () => {
    const dialled = [exposedRegion("us-east", 0), exposedRegion("eu-west", 1)];
    const plain = renderGlobalFiles(config, dialled, renderOptions(dialled));
    assert.strictEqual(plain[GLOBAL_FILES.receiveArgs], undefined);
    assert.strictEqual(globalArgs(config, dialled).receive, undefined);
    assert.ok(!YAML.parse(plain[GLOBAL_FILES.queryArgs]).includes(`--query.replica-label=${RECEIVE.replicaLabel}`));
  });

  it("refuses a region whose outputs contradict how it is given, and Receive without its bucket", () => {
    const dialledWriter = { ...exposedRegion("us-east", 0) };
    const contradicting = [
      { ...dialledWriter, outputs: { ...dialledWriter.outputs, ingestionMode: "remote-write" as const } },
      exposedRegion("eu-west", 1),
    ];
    assert.throws(
      () => renderGlobalFiles(config, contradicting, renderOptions(contradicting)),
      /region 'us-east': its outputs say ingestion mode remote-write but it is dialled through its gateway/,
    );
    assert.throws(
      () => renderGlobalFiles(config, regions, renderOptions(regions)),
      /stack 'global': region\(s\) us-east write to Thanos Receive, which needs its bucket/,
    );
  });
});
