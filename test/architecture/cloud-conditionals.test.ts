/**
 * Keeps cloud differences where a new cloud's author finds them: nothing outside a cloud's own folders and
 * files (components/cloud/<cloud>/, config/cloud/<cloud>.ts, builders/cloud/platforms/<cloud>.ts) and the
 * traits tables (config/clouds.ts, builders/cloud/platforms.ts) asks which cloud it is on. A question that
 * compiles but quietly falls back to one cloud (a ternary, an if, a switch, an instanceof on a cloud's class)
 * is exactly what the compiler cannot point a new cloud to.
 */
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { CLOUDS } from "../../config/clouds";
import { REPO_ROOT } from "../../config/stack-file";

/** Not the program's source: dependencies, build output, tools, and the policy pack (a package of its own whose policies are per cloud by nature). */
const SKIPPED_DIRS = new Set(["node_modules", "bin", ".git", ".tools", ".local", "out", "policy"]);

const ALLOWED = [
  "config/clouds.ts",
  "builders/cloud/platforms.ts",
  ...CLOUDS.flatMap((cloud) => [
    `components/cloud/${cloud}/`,
    `config/cloud/${cloud}.ts`,
    `config/cloud/${cloud}/`,
    `builders/cloud/platforms/${cloud}.ts`,
  ]),
];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : sourceFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** The classes a cloud's own folder exports: testing `instanceof` on one is asking which cloud it is. */
function cloudClasses(): string[] {
  return CLOUDS.flatMap((cloud) => {
    const dir = path.join(REPO_ROOT, "components", "cloud", cloud);
    return sourceFiles(dir).flatMap((file) =>
      [...fs.readFileSync(file, "utf8").matchAll(/export (?:abstract )?class (\w+)/g)].map((m) => m[1]),
    );
  });
}

/** Patterns of a question about the cloud: a comparison with a cloud's name, a case or a ternary on it, a switch on a `cloud`, an instanceof on a cloud's class. */
function conditionals(classes: readonly string[]): RegExp[] {
  const names = CLOUDS.map((cloud) => `["'\`]${cloud}["'\`]`).join("|");
  return [
    new RegExp(`[!=]==?\\s*(${names})`),
    new RegExp(`(${names})\\s*[!=]==?`),
    new RegExp(`\\bcase\\s+(${names})`),
    new RegExp(`\\?\\s*(${names})\\s*:`),
    /\bswitch\s*\(\s*[\w.]*\bcloud\s*\)/i,
    new RegExp(`\\binstanceof\\s+(${classes.join("|")})\\b`),
  ];
}

function offendingLines(text: string, patterns: readonly RegExp[]): string[] {
  return text
    .split("\n")
    .flatMap((line, i) => (patterns.some((p) => p.test(line)) ? [`${i + 1}: ${line.trim()}`] : []));
}

describe("cloud conditionals: only a cloud's own folders and the traits table know which cloud they are on", () => {
  const classes = cloudClasses();
  const patterns = conditionals(classes);

  it("recognises a question about the cloud in each of its forms", () => {
    assert.ok(classes.length >= 2 * CLOUDS.length, `found only ${classes.join(", ")}`);
    const [first, second] = CLOUDS;
    const questions = [
      `const x = config.cloud === "${first}" ? a : b;`,
      `if ('${second}' !== cloud) return;`,
      `  case "${first}":`,
      `cloud: index % 2 === 0 ? "${first}" : "${second}",`,
      `switch (${"config.cloud"}) {`,
      `if (!(cluster instanceof ${classes[0]})) throw`,
    ];
    for (const question of questions) assert.strictEqual(offendingLines(question, patterns).length, 1, question);
    for (const fine of [
      `cloud: "${first}",`,
      `CLOUD_TRAITS[config.cloud].objectStore(bucket, region)`,
      `err instanceof Error`,
    ]) {
      assert.deepStrictEqual(offendingLines(fine, patterns), [], fine);
    }
  });

  it("finds none anywhere else in the source tree", () => {
    const files = sourceFiles(REPO_ROOT).map((file) => path.relative(REPO_ROOT, file).split(path.sep).join("/"));
    assert.ok(
      files.includes("index.ts") && files.includes("config/rules.ts"),
      "the scan missed the program's own files",
    );
    const found = files
      .filter(
        (file) => !ALLOWED.some((allowed) => (allowed.endsWith("/") ? file.startsWith(allowed) : file === allowed)),
      )
      .flatMap((file) =>
        offendingLines(fs.readFileSync(path.join(REPO_ROOT, file), "utf8"), patterns).map((line) => `${file}:${line}`),
      );
    assert.deepStrictEqual(found, [], "look the difference up in the cloud's traits (config/clouds.ts) instead");
  });
});
