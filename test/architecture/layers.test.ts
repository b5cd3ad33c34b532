/**
 * Imports point down the layers: config, then the contract between the tiers, then builders, components and
 * tiers (index.ts, local/, bench/ and scripts/ bind them). A builder has no Pulumi import: it renders, and a
 * component creates objects from what it rendered.
 */
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../config/stack-file";
import { POLICY_COPIES, policyCopyText } from "../../scripts/policy-shared";

const LAYERS = ["config", "contracts", "builders", "components", "tiers"] as const;
type Layer = (typeof LAYERS)[number];

/** What each layer may import besides itself and the layers below it: versions.ts holds what components deploy. */
const ALSO_ALLOWED: Record<Layer, readonly string[]> = {
  config: [],
  contracts: [],
  builders: [],
  components: ["versions.ts"],
  tiers: ["versions.ts"],
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** Every relative import of the layers' files, as `from -> to` with repository paths (no extension). */
function imports(): { from: string; to: string; fromLayer: Layer }[] {
  return LAYERS.flatMap((layer) =>
    sourceFiles(path.join(REPO_ROOT, layer)).flatMap((file) =>
      [...fs.readFileSync(file, "utf8").matchAll(/(?:from|import) "(\.[^"]+)"/g)].map((m) => ({
        from: path.relative(REPO_ROOT, file),
        to: path.relative(REPO_ROOT, path.resolve(path.dirname(file), m[1])),
        fromLayer: layer,
      })),
    ),
  );
}

function allowed(fromLayer: Layer, to: string): boolean {
  const top = to.split(path.sep)[0];
  const below = LAYERS.slice(0, LAYERS.indexOf(fromLayer) + 1) as readonly string[];
  return below.includes(top) || ALSO_ALLOWED[fromLayer].includes(`${to}.ts`);
}

describe("the layers' imports", () => {
  const all = imports();

  it("point down only: config, contracts, builders, components, tiers", () => {
    const upward = all.filter((i) => !allowed(i.fromLayer, i.to)).map((i) => `${i.from} -> ${i.to}`);
    assert.deepStrictEqual([...new Set(upward)].sort(), []);
  });

  it("a component parses nothing back: it creates objects from what the builders return", () => {
    const parsing = sourceFiles(path.join(REPO_ROOT, "components")).filter((file) =>
      /\b(YAML|JSON)\.parse\(/.test(fs.readFileSync(file, "utf8")),
    );
    assert.deepStrictEqual(
      parsing.map((file) => path.relative(REPO_ROOT, file)),
      [],
    );
  });

  it("a builder imports no Pulumi SDK", () => {
    const pulumi = sourceFiles(path.join(REPO_ROOT, "builders")).filter((file) =>
      /from "@pulumi\//.test(fs.readFileSync(file, "utf8")),
    );
    assert.deepStrictEqual(
      pulumi.map((file) => path.relative(REPO_ROOT, file)),
      [],
    );
  });

  it("the local topology starts every workload through the tiers' wiring, not the per-binary builders", () => {
    // The clusters bind the same functions (builders/regional/workload-config.ts, builders/global/wiring.ts) to
    // the pods' layout: a flag added there reaches both, and a direct call here could wire a workload apart.
    const perBinary = [
      "prometheus/args",
      "prometheus/agent",
      "thanos/sidecar",
      "thanos/store",
      "thanos/compact",
      "thanos/query-frontend",
      "alertmanager/args",
      "federation/args",
      "federation/sidecar",
    ];
    const direct = sourceFiles(path.join(REPO_ROOT, "local")).flatMap((file) =>
      [...fs.readFileSync(file, "utf8").matchAll(/from "\.\.\/builders\/([^"]+)"/g)]
        .map((m) => m[1])
        .filter((module) => perBinary.includes(module))
        .map((module) => `${path.relative(REPO_ROOT, file)} -> builders/${module}`),
    );
    assert.deepStrictEqual(direct, []);
  });

  it("the policy pack's copies of program files are their sources' text (npm run policy:shared writes them)", () => {
    for (const [copy, source] of Object.entries(POLICY_COPIES)) {
      assert.ok(
        fs.readFileSync(path.join(REPO_ROOT, copy), "utf8") === policyCopyText(source),
        `${copy} differs from ${source}: run npm run policy:shared`,
      );
    }
  });
});
