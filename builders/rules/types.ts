/** Prometheus rule files (the format `promtool check rules` reads). */

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>> & { readonly severity: Severity };
  /** `runbook_url` is added last, from the stack's runbook base URL (./settings.ts). */
  readonly annotations: { readonly summary: string; readonly description: string; readonly runbook_url?: string };
}

export type Severity = "critical" | "warning" | "info" | "none";

export interface RuleGroup<R> {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly R[];
}

export interface RuleFile<R> {
  readonly groups: readonly RuleGroup<R>[];
}
