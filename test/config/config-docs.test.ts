import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { CONFIG_REFERENCE_DOC, TABLE_START, docWithReference } from "../../config/docs-files";
import { REPO_ROOT } from "../../config/stack-file";

describe("one schema, one source", () => {
  it("Pulumi.yaml declares no config key: the CLI would require each one without a default in every stack, and the tiers' keys differ", () => {
    // Found by the engine tests: with the schema's keys declared, `pulumi up` of a regional stack stopped on
    // "Stack 'us-east' is missing configuration values 'monitoring:regions', ...".
    const project = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
    assert.strictEqual(project.config, undefined);
  });

  it("docs/configuration.md's config reference is the schema's (npm run config:docs)", () => {
    const text = fs.readFileSync(CONFIG_REFERENCE_DOC, "utf8");
    assert.strictEqual(text, docWithReference(text));
  });

  it("the reference is in docs/configuration.md alone: the README holds no second, unchecked copy", () => {
    assert.ok(!fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8").includes(TABLE_START));
  });
});
