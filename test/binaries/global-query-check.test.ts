/** The global tier's Thanos Query and Query Frontend as the pinned Thanos and promtool read their arguments and files. */
import * as assert from "node:assert";
import * as YAML from "yaml";
import { GLOBAL_FILES, renderGlobalFiles } from "../../builders/global/render";
import { checkWebConfig } from "../support/promtool";
import { thanosFlagProblems } from "../support/thanos-flags";
import { exposedRegion, globalConfig, renderOptions } from "../fixtures/global-fixtures";

const regions = [exposedRegion("us-east", 0, 2), exposedRegion("eu-west", 1)];
const files = renderGlobalFiles(globalConfig(["us-east", "eu-west"]), regions, renderOptions(regions));

describe("Thanos Query and Query Frontend of the global tier", () => {
  it("use only flags the pinned Thanos has and does not deprecate", () => {
    assert.deepStrictEqual(thanosFlagProblems("query", YAML.parse(files[GLOBAL_FILES.queryArgs])), []);
    assert.deepStrictEqual(thanosFlagProblems("query-frontend", YAML.parse(files[GLOBAL_FILES.frontendArgs])), []);
    assert.deepStrictEqual(thanosFlagProblems("sidecar", YAML.parse(files[GLOBAL_FILES.federationSidecarArgs])), []);
  });

  it("the reference check catches a deprecated endpoint flag (so the test above can fail)", () => {
    assert.notDeepStrictEqual(thanosFlagProblems("query", ["--endpoint=a:10901", "--grpc-client-tls-secure"]), []);
  });

  it("Query Frontend's web config is one the exporter toolkit loads (promtool check web-config)", () => {
    assert.match(checkWebConfig(files[GLOBAL_FILES.frontendHttpConfig]), /SUCCESS/);
  });
});
