/** zod's findings turned into the one sentence a ConfigError reads. */
import type { z } from "zod";
import { ConfigError } from "./errors";
import { docOf, keyPaths, keysAt, nodeAt } from "./schema-walk";

/** Marks a custom issue whose message is the `allowed` of the sentence, written for the value at hand. */
export const EXPLAINS = "explains";

/** `prometheus.staticJobs[0].shard`: the key path as a user finds it in the stack file. */
export function keyPath(path: readonly PropertyKey[]): string {
  return path.map((segment, i) => (typeof segment === "number" ? `[${segment}]` : `${i === 0 ? "" : "."}${String(segment)}`)).join("");
}

export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((value, segment) => (value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[segment] : undefined), input);
}

/** Edit distance, case differences counting half: `defaultreceiver` is closer to `defaultReceiver` than `groupBy` is. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      const cost = a[i - 1] === b[j - 1] ? 0 : a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0.5 : 1;
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The known words a mistyped one most likely meant, closest first: at most `count`, each close enough to be a typo. */
export function closestNames(word: string, known: readonly string[], count: number): string[] {
  const limit = Math.max(2, Math.floor(word.length / 3));
  return known
    .map((k) => ({ k, d: distance(word, k) }))
    .filter((r) => r.d <= limit)
    .sort((a, b) => a.d - b.d)
    .slice(0, count)
    .map((r) => r.k);
}

/** The known key a mistyped one most likely meant, if any is close enough to be a typo. */
function closestKey(key: string, known: readonly string[]): string | undefined {
  return closestNames(key, known, 1)[0];
}

/**
 * What `allowed` says about an unknown key: the key it most likely means (a close spelling in its section,
 * or the same name elsewhere, as `retention` at the top for prometheus.retention), then the section's keys.
 */
export function unknownKeyAllowed(schema: z.ZodType, section: readonly PropertyKey[], key: string, extraKeys: readonly string[] = []): string {
  const known = [...new Set([...keysAt(schema, section), ...extraKeys])];
  const prefix = section.length === 0 ? "" : `${keyPath(section)}.`;
  const close = closestKey(key, known);
  const elsewhere = close === undefined ? keyPaths(schema).find((p) => p.split(".").pop()!.toLowerCase() === key.toLowerCase()) : undefined;
  const guess = close !== undefined ? `${prefix}${close}` : elsewhere;
  const keys = `key of ${section.length === 0 ? "this program" : keyPath(section)}: ${known.join(", ")}`;
  return guess ? `'${guess}' (the closest key), or another ${keys}` : `a ${keys}`;
}

/**
 * The first mistake zod found, as a ConfigError. An unknown key comes first: a typo is usually why a
 * required key looks missing, and the typo is what the user must fix.
 */
export function issueToError(stack: string, schema: z.ZodType, input: unknown, issues: readonly z.core.$ZodIssue[]): ConfigError {
  const unknown = issues.find((i) => i.code === "unrecognized_keys");
  if (unknown && unknown.code === "unrecognized_keys") {
    const key = unknown.keys[0];
    const path = [...unknown.path, key];
    return new ConfigError(stack, keyPath(path), valueAt(input, path), unknownKeyAllowed(schema, unknown.path, key), { unknown: true });
  }
  const issue = issues[0];
  const value = valueAt(input, issue.path);
  const node = nodeAt(schema, issue.path);
  // A check that explains this very value says so (EXPLAINS); every other check is described by its key's doc.
  let allowed = issue.code === "custom" && issue.params?.[EXPLAINS] ? issue.message : (node && docOf(node)?.allowed) ?? issue.message;
  if (issue.code === "invalid_type" && issue.expected === "string" && typeof value === "number") {
    allowed += `, in quotes (YAML reads an unquoted 1.30 as the number 1.3)`;
  }
  return new ConfigError(stack, keyPath(issue.path), value, allowed);
}
