/**
 * The rendered role mapping evaluated by a JMESPath implementation (jmespath.py, the language's reference
 * implementation, from the machine's Python): Grafana itself cannot run here, its JMESPath is in Go.
 */
import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import { roleAttributePath } from "../../builders/grafana/sso";

/** The expression's result on each document, or a readable failure when Python or its jmespath is missing. */
function evaluate(expression: string, documents: readonly unknown[]): unknown[] {
  const script =
    "import json, sys, jmespath\n" +
    "job = json.load(sys.stdin)\n" +
    "compiled = jmespath.compile(job['expression'])\n" +
    "print(json.dumps([compiled.search(d) for d in job['documents']]))\n";
  const result = spawnSync("python3", ["-c", script], {
    input: JSON.stringify({ expression, documents }),
    encoding: "utf8",
  });
  if (result.error || result.status !== 0)
    throw new Error(
      `python3 with jmespath could not evaluate ${expression} (pip install jmespath): ${result.error?.message ?? result.stderr}`,
    );
  return JSON.parse(result.stdout);
}

describe("Grafana's role mapping, evaluated", () => {
  const roles = { "platform-admins": "Admin", sre: "Editor", oncall: "Editor", engineering: "Viewer" } as const;

  it("gives each user the highest role of their mapped groups, and no role to anyone else", () => {
    const claims = [
      { groups: ["engineering"] },
      { groups: ["engineering", "oncall"] },
      { groups: ["sre", "platform-admins", "engineering"] },
      { groups: ["marketing"] },
      { groups: [] },
      {},
      // A single group as a string: `contains` would search it for substrings, so it counts as no groups.
      { groups: "not-platform-admins" },
      { groups: null },
    ];
    assert.deepStrictEqual(evaluate(roleAttributePath("groups", roles), claims), [
      "Viewer",
      "Editor",
      "Admin",
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it("reads a claim whose name has a colon or a URL's dots, and a group whose name has quotes and spaces", () => {
    const expression = roleAttributePath("https://example.com/groups", { "O'Brien's team, EU": "Editor" });
    assert.deepStrictEqual(
      evaluate(expression, [
        { "https://example.com/groups": ["O'Brien's team, EU"] },
        { "https://example.com/groups": ["O'Brien"] },
        { https: { "example.com/groups": ["O'Brien's team, EU"] } },
      ]),
      ["Editor", false, false],
    );
    assert.deepStrictEqual(
      evaluate(roleAttributePath("cognito:groups", { ops: "Admin" }), [{ "cognito:groups": ["ops"] }]),
      ["Admin"],
    );
  });
});
