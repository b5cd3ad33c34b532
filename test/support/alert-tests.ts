/**
 * What the `promtool test rules` suites of the alert rules share: the test format, the expected alert of a
 * rule (its labels and its annotations with their templates filled in), and the check that every alert is
 * shown both firing and silent.
 */
import * as assert from "node:assert";
import type { AlertSettings } from "../../builders/rules/settings";
import type { AlertingRule, RecordingRule, RuleFile } from "../../builders/rules/types";

export interface ExpectedAlert {
  readonly exp_labels: Record<string, string>;
  readonly exp_annotations: Record<string, string>;
}

export interface AlertCase {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: readonly ExpectedAlert[];
}

export interface TestGroup {
  readonly name: string;
  readonly interval: string;
  readonly input_series: readonly { series: string; values: string }[];
  readonly alert_rule_test: readonly AlertCase[];
}

/** The settings the rule tests render with: every alert evaluated, runbooks on a page of their own. */
export const TEST_ALERT_SETTINGS: AlertSettings = { runbookBaseUrl: "https://docs.example/runbooks.md", disabled: [] };

export function alertingRules(file: RuleFile<RecordingRule | AlertingRule>): AlertingRule[] {
  return file.groups.flatMap((g) => g.rules.filter((r): r is AlertingRule => "alert" in r));
}

const TEMPLATE =
  /\{\{ \$labels\.(\w+) \}\}|\{\{ \$value(?: \| (?:humanize|humanizePercentage|humanizeDuration))? \}\}/g;

/**
 * `firing(alert, labels, value)`: the alert as promtool reports it when `labels` are its series' labels. The
 * rule is the one of that name (and of `labels.severity`, where several rules share a name); its templates
 * are filled from the labels and from `value`, the rendered `$value`.
 */
export function expectations(file: RuleFile<RecordingRule | AlertingRule>) {
  const rules = alertingRules(file);
  return function firing(alert: string, labels: Record<string, string>, value?: string): ExpectedAlert {
    const named = rules.filter(
      (r) => r.alert === alert && (labels.severity === undefined || r.labels.severity === labels.severity),
    );
    if (named.length !== 1)
      throw new Error(
        `${named.length} rules named ${alert}${labels.severity ? ` of severity ${labels.severity}` : ""}`,
      );
    const rule = named[0];
    const exp_labels = { ...rule.labels, ...labels };
    const fill = (text: string) =>
      text.replace(TEMPLATE, (whole, label: string | undefined) => {
        const filled = label === undefined ? value : exp_labels[label];
        if (filled === undefined) throw new Error(`test of ${alert} does not say what ${whole} is`);
        return filled;
      });
    const exp_annotations = Object.fromEntries(
      Object.entries(rule.annotations).map(([k, v]) => [k, fill(v as string)]),
    );
    return { exp_labels, exp_annotations };
  };
}

/** Every rule (by name and severity) is shown firing, and, unless it always fires, silent. */
export function assertEveryAlertTested(
  file: RuleFile<RecordingRule | AlertingRule>,
  groups: readonly TestGroup[],
  alwaysFiring: readonly string[] = [],
): void {
  const cases = groups.flatMap((g) => g.alert_rule_test);
  for (const rule of alertingRules(file)) {
    const mine = cases.filter((c) => c.alertname === rule.alert);
    const what = `${rule.alert} (${rule.labels.severity})`;
    assert.ok(
      mine.some((c) => c.exp_alerts.some((a) => a.exp_labels.severity === rule.labels.severity)),
      `${what} is never shown to fire`,
    );
    if (!alwaysFiring.includes(rule.alert))
      assert.ok(
        mine.some((c) => c.exp_alerts.length === 0),
        `${what} is never shown to stay silent`,
      );
  }
}
