/**
 * docs/runbooks.md, where every alert's runbook_url points: one entry per alert the stacks evaluate, and no
 * entry for an alert that does not exist.
 */
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { federationAlertNames } from "../../../builders/federation/rules";
import { regionalAlertNames } from "../../../builders/regional/workload-config";
import { GUARD_ALERTS } from "../../../builders/rules/guards";
import { runbookAnchor } from "../../../builders/rules/settings";
import { DEFAULTS } from "../../../config/defaults";

const RUNBOOKS = "docs/runbooks.md";
const text = fs.readFileSync(path.join(__dirname, "../../../..", RUNBOOKS), "utf8");
/** Entry name to its text, from `## Name` to the next heading. */
const entries = new Map([...text.matchAll(/^## (\S+)\n([\s\S]*?)(?=^## |(?![\s\S]))/gm)].map((m) => [m[1], m[2]]));
const alerts = [...new Set([...regionalAlertNames(), ...federationAlertNames()])];

describe("runbooks", () => {
  it("have an entry for every alert, saying what it means, its impact, how to diagnose and how to fix it", () => {
    for (const alert of alerts) {
      const entry = entries.get(alert);
      assert.ok(entry, `${RUNBOOKS} has no entry for ${alert}`);
      for (const part of ["Meaning", "Impact", "Diagnose", "Fix"])
        assert.match(entry, new RegExp(`\\*\\*${part}\\*\\*: \\S`), `${alert}: no ${part}`);
    }
  });

  it("have no entry for an alert that does not exist", () => {
    const strays = [...entries.keys()].filter((name) => !alerts.includes(name));
    assert.deepStrictEqual(strays, []);
  });

  it("say of each alert that cannot be disabled that it cannot", () => {
    for (const alert of GUARD_ALERTS) assert.match(entries.get(alert) ?? "", /cannot be disabled/, alert);
  });

  it("are where the default runbook URL points, each at the anchor its heading gets", () => {
    assert.ok(DEFAULTS.alerts.runbookBaseUrl.endsWith(`/${RUNBOOKS}`), DEFAULTS.alerts.runbookBaseUrl);
    // GitHub's anchor of a heading: lower case, spaces to dashes, punctuation dropped; alert names are one word.
    for (const alert of alerts)
      assert.strictEqual(runbookAnchor(alert), alert.toLowerCase().replace(/[^a-z0-9_-]/g, ""));
  });
});
