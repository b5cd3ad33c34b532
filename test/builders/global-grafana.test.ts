import * as assert from "node:assert";
import * as YAML from "yaml";
import { GLOBAL_FILES, renderGlobalFiles } from "../../builders/global/render";
import { exposedRegion, globalConfig, renderOptions } from "../fixtures/global-fixtures";

const regions = [exposedRegion("us-east", 0), exposedRegion("eu-west", 1)];
const files = renderGlobalFiles(globalConfig(["us-east", "eu-west"]), regions, renderOptions(regions));

describe("Grafana provisioning of the global tier", () => {
  it("provisions Thanos Query as the default datasource, the federation Prometheus and one datasource per region", () => {
    const { datasources } = YAML.parse(files[GLOBAL_FILES.grafanaDatasources]);
    assert.deepStrictEqual(
      datasources.map((d: any) => d.uid),
      ["thanos-query", "federation-prometheus", "region-us-east", "region-eu-west"],
    );
    assert.deepStrictEqual(
      datasources.filter((d: any) => d.isDefault).map((d: any) => d.uid),
      ["thanos-query"],
    );
    assert.match(datasources[0].url, /^https:\/\/thanos-query-frontend\.monitoring\.svc:9090$/);
    assert.match(datasources[0].secureJsonData.tlsCACert, /^\$__file\{\/etc\/grafana\/tls\/ca\.crt\}$/);
  });

  it("restricts a region's datasource to that region's StoreAPIs, on Thanos Query itself (the frontend's cache ignores storeMatch)", () => {
    const { datasources } = YAML.parse(files[GLOBAL_FILES.grafanaDatasources]);
    const region = datasources.find((d: any) => d.uid === "region-eu-west");
    assert.strictEqual(region.url, "http://thanos-query.monitoring.svc:10902");
    const euWest = decodeURIComponent(region.jsonData.customQueryParameters);
    const escaped = (route: string) => `store-api-eu-west-${route}\\\\.monitoring\\\\.svc:10901`;
    assert.strictEqual(
      euWest,
      `storeMatch[]={__address__=~"${["prometheus-shard-0-0", "prometheus-shard-0-1", "thanos-store"].map(escaped).join("|")}"}`,
    );
  });
});
