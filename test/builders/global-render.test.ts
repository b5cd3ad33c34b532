import * as assert from "node:assert";
import * as YAML from "yaml";
import { GLOBAL_FILES, regionTargetsFile, renderGlobalFiles } from "../../builders/global/render";
import { exposedRegion, globalConfig, renderOptions } from "../fixtures/global-fixtures";

describe("renderGlobalFiles", () => {
  it("a third region in the config adds its federation job, Query endpoints, datasource and Alertmanager targets file", () => {
    const names = ["us-east", "eu-west", "ap-south"];
    const render = (count: number) => {
      const regions = names.slice(0, count).map((name, i) => exposedRegion(name, i));
      return renderGlobalFiles(globalConfig(names.slice(0, count)), regions, renderOptions(regions));
    };
    const [two, three] = [render(2), render(3)];
    const jobs = (f: Record<string, string>) =>
      YAML.parse(f[GLOBAL_FILES.federationConfig]).scrape_configs.map((j: any) => j.job_name);
    assert.deepStrictEqual(
      jobs(three).filter((j: string) => !jobs(two).includes(j)),
      ["federate-ap-south"],
    );
    const servers = (f: Record<string, string>) =>
      new Set(YAML.parse(f[GLOBAL_FILES.queryEndpoints]).endpoints.map((e: any) => e.client_config?.server_name));
    assert.deepStrictEqual(
      [...servers(three)].filter((s) => !servers(two).has(s)),
      ["prometheus-shard-0-0", "prometheus-shard-0-1", "thanos-store"].map(
        (r) => `${r}.prometheus.ap-south.monitoring`,
      ),
    );
    const datasources = (f: Record<string, string>) =>
      YAML.parse(f[GLOBAL_FILES.grafanaDatasources]).datasources.map((d: any) => d.uid);
    assert.deepStrictEqual(
      datasources(three).filter((d: string) => !datasources(two).includes(d)),
      ["region-ap-south"],
    );
    assert.deepStrictEqual(
      Object.keys(three).filter((f) => !(f in two)),
      [regionTargetsFile("ap-south")],
    );
  });

  it("stops with the stack and the region when a configured region has no outputs", () => {
    const regions = [exposedRegion("us-east", 0)];
    assert.throws(
      () => renderGlobalFiles(globalConfig(["us-east", "eu-west"]), regions, renderOptions(regions)),
      /stack 'global'.*eu-west/,
    );
  });

  it("stops when a StoreAPI of a region has no address to reach it by", () => {
    const region = exposedRegion("us-east", 0);
    const broken = {
      ...region,
      storeApiAddresses: { "prometheus-shard-0-0": "store-api-us-east-prometheus-shard-0-0.monitoring.svc:10901" },
    };
    assert.throws(
      () => renderGlobalFiles(globalConfig(["us-east"]), [broken], renderOptions([broken])),
      /us-east.*prometheus-shard-0-1/,
    );
  });

  it("needs one load-balancer address per Alertmanager peer", () => {
    const regions = [exposedRegion("us-east", 0)];
    assert.throws(
      () => renderGlobalFiles(globalConfig(["us-east"]), regions, renderOptions(regions, 2)),
      /3 Alertmanager peers.*2 addresses/,
    );
  });
});
