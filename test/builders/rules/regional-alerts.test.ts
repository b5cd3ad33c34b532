/**
 * The regional alert rules, as a regional stack renders them: every alert has a `promtool test rules` case
 * where it fires and one where it does not (test/fixtures/alert-cases/, run by
 * test/binaries/regional-alerts.test.ts), links to its runbook and carries a severity.
 */
import * as assert from "node:assert";
import { SIDECAR_BLOCK_DURATION } from "../../../builders/prometheus/args";
import { regionalRuleFiles } from "../../../builders/regional/workload-config";
import { TEST_ALERT_SETTINGS, assertEveryAlertTested } from "../../support/alert-tests";
import { ALERTS, GROUPS, RULE_FILE } from "../../fixtures/alert-cases/regional";

describe("regional alert rules (promtool test rules)", () => {
  it("every alert has a case where it fires and a case where it does not", () => {
    assertEveryAlertTested(ALERTS, GROUPS, ["Watchdog"]);
  });

  it("every alert links to its runbook and carries a severity", () => {
    for (const group of ALERTS.groups) {
      for (const rule of group.rules) {
        assert.strictEqual(
          rule.annotations.runbook_url,
          `${TEST_ALERT_SETTINGS.runbookBaseUrl}#${rule.alert.toLowerCase()}`,
        );
        assert.ok(["critical", "warning", "info", "none"].includes(rule.labels.severity), rule.alert);
      }
    }
  });

  it("leave out the alerts a stack disables", () => {
    const file = regionalRuleFiles(
      { alerts: { ...TEST_ALERT_SETTINGS, disabled: ["KubePodCrashLooping", "CPUThrottlingHigh"] }, teams: [] },
      SIDECAR_BLOCK_DURATION,
    )[RULE_FILE];
    const names = file.groups.flatMap((g) => g.rules.map((r) => r.alert));
    assert.ok(!names.includes("KubePodCrashLooping") && !names.includes("CPUThrottlingHigh"));
    assert.strictEqual(names.length, ALERTS.groups.flatMap((g) => g.rules).length - 2);
  });
});
