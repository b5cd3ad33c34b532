/**
 * The checks `promtool check rules` makes on a rule file's structure (Prometheus' model/rulefmt), for the
 * teams' rule files while the stack's config loads: `pulumi up` cannot run promtool, and a file Prometheus
 * refuses would leave a region's whole rule set unloaded. PromQL itself is parsed by promtool, in the tests
 * and on what `npm run render` writes.
 */
import { parseDuration } from "./duration";

const GROUP_KEYS = ["name", "interval", "query_offset", "limit", "labels", "rules"];
const RULE_KEYS = ["record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"];
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function unknownKey(value: Record<string, unknown>, known: readonly string[], what: string): string | undefined {
  const key = Object.keys(value).find((k) => !known.includes(k));
  return key === undefined ? undefined : `field ${key} not found in ${what} (it has ${known.join(", ")})`;
}

function labelsProblem(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) return `${what} must be a map of label names to strings`;
  const bad = Object.entries(value).find(([k, v]) => !LABEL_NAME.test(k) || typeof v !== "string");
  if (!bad) return undefined;
  return LABEL_NAME.test(bad[0])
    ? `${what}: the value of ${bad[0]} must be a string (quote it)`
    : `${what}: invalid label name ${bad[0]}`;
}

function durationProblem(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" && parseDuration(value) !== undefined
    ? undefined
    : `${field} ${JSON.stringify(value)} is not a duration such as 5m`;
}

function ruleProblem(rule: unknown, where: string): string | undefined {
  if (!isObject(rule)) return `${where} is not a map`;
  const name =
    typeof rule.record === "string"
      ? `record ${rule.record}`
      : typeof rule.alert === "string"
        ? `alert ${rule.alert}`
        : "";
  const at = `${where}${name ? ` (${name})` : ""}`;
  const found = [
    unknownKey(rule, RULE_KEYS, "a rule"),
    (rule.record === undefined) === (rule.alert === undefined)
      ? "one of 'record' or 'alert' must be set, not both or neither"
      : undefined,
    typeof rule.expr !== "string" || rule.expr.trim() === ""
      ? "field 'expr' must be a non-empty PromQL expression"
      : undefined,
    rule.record !== undefined && (typeof rule.record !== "string" || !METRIC_NAME.test(rule.record))
      ? `invalid recording rule name ${JSON.stringify(rule.record)}`
      : undefined,
    rule.alert !== undefined && (typeof rule.alert !== "string" || rule.alert.trim() === "")
      ? "field 'alert' must be a non-empty name"
      : undefined,
    rule.record !== undefined && ["for", "keep_firing_for", "annotations"].some((k) => rule[k] !== undefined)
      ? "invalid field 'for', 'keep_firing_for' or 'annotations' in recording rule"
      : undefined,
    durationProblem(rule.for, "for"),
    durationProblem(rule.keep_firing_for, "keep_firing_for"),
    labelsProblem(rule.labels, "labels"),
    labelsProblem(rule.annotations, "annotations"),
  ].find((p) => p !== undefined);
  return found && `${at}: ${found}`;
}

/** The first problem promtool would report about the file's structure, or undefined. */
export function ruleFileProblem(file: unknown): string | undefined {
  if (!isObject(file) || !Array.isArray(file.groups)) return "no 'groups' list at the top";
  const top = unknownKey(file, ["groups"], "the rule file");
  if (top) return top;
  const names = new Set<string>();
  for (const [g, group] of file.groups.entries()) {
    const where = `group ${g + 1}`;
    if (!isObject(group)) return `${where} is not a map`;
    if (typeof group.name !== "string" || group.name === "") return `${where}: group name must not be empty`;
    const at = `group '${group.name}'`;
    if (names.has(group.name)) return `${at}: repeated in the same file`;
    names.add(group.name);
    const problem =
      unknownKey(group, GROUP_KEYS, "a rule group") ??
      durationProblem(group.interval, "interval") ??
      durationProblem(group.query_offset, "query_offset") ??
      labelsProblem(group.labels, "labels") ??
      (Array.isArray(group.rules) ? undefined : "no 'rules' list");
    if (problem) return `${at}: ${problem}`;
    for (const [r, rule] of (group.rules as unknown[]).entries()) {
      const bad = ruleProblem(rule, `${at} rule ${r + 1}`);
      if (bad) return bad;
    }
  }
  return undefined;
}
