/**
 * `promtool test rules` over the regional alert rules, as a regional stack renders them: for every alert,
 * series that make it fire and series that must not (the cases: test/fixtures/alert-cases/; that every alert
 * has both is checked in test/builders/rules/regional-alerts.test.ts).
 */
import * as assert from "node:assert";
import * as YAML from "yaml";
import { parseDuration } from "../../config/duration";
import type { TestGroup } from "../support/alert-tests";
import { testRules } from "../support/promtool";
import { ALERTS, DEFAULT_CASES, GROUPS, OWN_CASES, RULE_FILE } from "../fixtures/alert-cases/regional";

/**
 * Cases of the default alerts that play out over hours (a disk filling, a compactor idle for a day) run with a
 * 10-minute evaluation interval, the others with Prometheus' 1 minute (the sidecar's cases time the upload
 * alert to the minute): promtool evaluates every rule at every step up to the last eval_time, and hours of
 * 1-minute steps over every rule take minutes.
 */
const isLong = (g: TestGroup) => g.alert_rule_test.some((c) => parseDuration(c.eval_time)! >= 3600);
const RUNS = [
  { evaluation_interval: "1m", tests: [...OWN_CASES, ...DEFAULT_CASES.filter((g) => !isLong(g))] },
  { evaluation_interval: "10m", tests: DEFAULT_CASES.filter(isLong) },
];

describe("regional alert rules (promtool test rules)", () => {
  const rules = YAML.stringify(ALERTS);

  for (const run of RUNS) {
    it(`fire on realistic failures and stay silent otherwise (${run.tests.length} cases evaluated every ${run.evaluation_interval})`, () => {
      const output = testRules({ [RULE_FILE]: rules }, { rule_files: [RULE_FILE], ...run });
      assert.match(output, /SUCCESS/);
    });
  }

  it("a broken expectation fails the run (the harness can fail)", () => {
    const wrong = GROUPS.slice(0, 1).map((g) => ({
      ...g,
      alert_rule_test: [{ ...g.alert_rule_test[1], exp_alerts: [] }],
    }));
    assert.throws(
      () => testRules({ [RULE_FILE]: rules }, { rule_files: [RULE_FILE], evaluation_interval: "1m", tests: wrong }),
      /FAILED/,
    );
  });
});
