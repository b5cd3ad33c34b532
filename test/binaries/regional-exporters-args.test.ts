/** The regional exporters' command lines as the pinned binaries parse them. */
import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import { nodeExporterArgs } from "../../builders/regional/exporters";
import { findBinary } from "../../local/binaries";

describe("regional exporters", () => {
  it("node-exporter accepts its arguments (the pinned node_exporter parses them)", () => {
    const result = spawnSync(findBinary("nodeExporter"), [...nodeExporterArgs(), "--version"], { encoding: "utf8" });
    assert.ok(!result.error, `node_exporter could not run: ${result.error?.message}`);
    assert.strictEqual(result.status, 0, result.stderr);
    const bad = spawnSync(findBinary("nodeExporter"), ["--path.nosuch=/x", "--version"], { encoding: "utf8" });
    assert.notStrictEqual(bad.status, 0, "an unknown flag is rejected, so the check can fail");
  });
});
