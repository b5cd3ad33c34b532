import * as assert from "assert";
import * as fs from "fs";
import * as YAML from "yaml";
import { pulumiConfigDeclarations } from "../../config/docs";
import { PROJECT_FILE, README, projectFileWithDeclarations, readmeWithReference } from "../../config/docs-files";
import { TIERS, tierKeys } from "../../config/schema";

describe("one schema, one source", () => {
  it("Pulumi.yaml declares exactly the schema's keys, with its types and descriptions (npm run config:docs)", () => {
    const text = fs.readFileSync(PROJECT_FILE, "utf8");
    assert.deepStrictEqual(YAML.parse(text).config, pulumiConfigDeclarations());
    assert.strictEqual(text, projectFileWithDeclarations(text));
  });

  it("the README's config reference is the schema's (npm run config:docs)", () => {
    const text = fs.readFileSync(README, "utf8");
    assert.strictEqual(text, readmeWithReference(text));
  });

  it("declares every key of both tiers", () => {
    const declared = Object.keys(pulumiConfigDeclarations()).map((key) => key.replace(/^monitoring:/, ""));
    assert.deepStrictEqual(declared.sort(), [...new Set(TIERS.flatMap((tier) => tierKeys(tier)))].sort());
  });
});
