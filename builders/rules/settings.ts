import type { AlertingRule, RecordingRule, RuleFile } from "./types";

/** What a stack's config says about its default alerts (the `alerts` key). */
export interface AlertSettings {
  /** The runbooks page (docs/runbooks.md); each alert links to its own anchor there. */
  readonly runbookBaseUrl: string;
  /** Alerts the stack does not evaluate, by name. */
  readonly disabled: readonly string[];
}

/** Settings that change nothing but the runbook links, for listing the alerts a stack could evaluate. */
export const NO_ALERT_SETTINGS: AlertSettings = { runbookBaseUrl: "", disabled: [] };

/** A heading's anchor as GitHub (and most Markdown renderers) make it: `## KubePodCrashLooping` is `#kubepodcrashlooping`. */
export function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}

export function runbookUrl(baseUrl: string, alert: string): string {
  return `${baseUrl}#${runbookAnchor(alert)}`;
}

const isAlert = (rule: RecordingRule | AlertingRule): rule is AlertingRule => "alert" in rule;

/**
 * A rule file as the stack evaluates it: the disabled alerts left out (a group left empty goes with them)
 * and every alert linked to its runbook. The config has checked that no guard alert (./guards.ts) is disabled.
 */
export function withAlertSettings<R extends RecordingRule | AlertingRule>(
  file: RuleFile<R>,
  settings: AlertSettings,
): RuleFile<R> {
  const disabled = new Set(settings.disabled);
  const groups = file.groups.map((group) => ({
    ...group,
    rules: group.rules
      .filter((rule) => !(isAlert(rule) && disabled.has(rule.alert)))
      .map((rule) =>
        isAlert(rule)
          ? {
              ...rule,
              annotations: { ...rule.annotations, runbook_url: runbookUrl(settings.runbookBaseUrl, rule.alert) },
            }
          : rule,
      ),
  }));
  return { groups: groups.filter((group) => group.rules.length > 0) };
}

/** The names of the alerts of some rule files, each once. */
export function alertNames(files: readonly RuleFile<RecordingRule | AlertingRule>[]): string[] {
  return [...new Set(files.flatMap((f) => f.groups.flatMap((g) => g.rules.filter(isAlert).map((r) => r.alert))))];
}
