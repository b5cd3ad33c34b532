/** zod's findings turned into the sentences a ConfigError reads, one for each mistake. */
import type { z } from "zod";
import { ConfigMistake } from "./errors";
import { keyPath, valueAt } from "./paths";
import { docOf, keyPaths, keysAt, nodeAt } from "./schema-walk";

export { keyPath, valueAt };

/** Marks a custom issue whose message is the `allowed` of the sentence, written for the value at hand. */
export const EXPLAINS = "explains";

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
export function unknownKeyAllowed(
  schema: z.ZodType,
  section: readonly PropertyKey[],
  key: string,
  extraKeys: readonly string[] = [],
): string {
  const known = [...new Set([...keysAt(schema, section), ...extraKeys])];
  const prefix = section.length === 0 ? "" : `${keyPath(section)}.`;
  const close = closestKey(key, known);
  const elsewhere =
    close === undefined
      ? keyPaths(schema).find((p) => p.split(".").pop()!.toLowerCase() === key.toLowerCase())
      : undefined;
  const guess = close !== undefined ? `${prefix}${close}` : elsewhere;
  const keys = `key of ${section.length === 0 ? "this program" : keyPath(section)}: ${known.join(", ")}`;
  return guess ? `'${guess}' (the closest key), or another ${keys}` : `a ${keys}`;
}

/** A structural mistake and the key it is about: the value there is not what the schema reads. */
export interface Finding {
  readonly mistake: ConfigMistake;
  readonly path: readonly PropertyKey[];
  /** For an unknown key: the key of its section it most likely means. */
  readonly meant?: readonly PropertyKey[];
}

/** An unknown key of the section at `section`, with the key it most likely means. */
export function unknownKeyFinding(
  stack: string,
  schema: z.ZodType,
  input: unknown,
  section: readonly PropertyKey[],
  key: string,
  extra: { keys?: readonly string[]; hidden?: string } = {},
): Finding {
  const path = [...section, key];
  const close = closestKey(key, [...keysAt(schema, section), ...(extra.keys ?? [])]);
  const allowed = unknownKeyAllowed(schema, section, key, extra.keys);
  const mistake = new ConfigMistake(stack, path, valueAt(input, path), allowed, {
    unknown: true,
    hidden: extra.hidden,
  });
  return { mistake, path, meant: close === undefined ? undefined : [...section, close] };
}

/** A key whose name says it holds a secret (`clientSecret`, `password`, `apiToken`). */
const SECRET_NAME = /secret|password|passwd|token|credential/i;

/**
 * An unknown key that by its name holds a secret, in a section that takes its secret from a secret config
 * key (a `secretKey` field): its value is not shown, and the sentence says where the secret goes instead.
 */
function plainTextSecret(
  stack: string,
  schema: z.ZodType,
  input: unknown,
  section: readonly PropertyKey[],
  key: string,
): Finding | undefined {
  if (!SECRET_NAME.test(key) || !keysAt(schema, section).includes("secretKey")) return undefined;
  const finding = unknownKeyFinding(stack, schema, input, section, key, {
    hidden: "a value in plain text (not shown here)",
  });
  const { value, kind, allowed } = finding.mistake;
  const instead = `no secret in the stack file: name a secret config key in ${keyPath([...section, "secretKey"])} and set it with: pulumi config set --secret <key> <value>`;
  return { ...finding, mistake: new ConfigMistake(stack, finding.path, value, `${instead}; ${allowed}`, kind) };
}

/** Every mistake zod found, each as its sentence. */
export function issueFindings(
  stack: string,
  schema: z.ZodType,
  input: unknown,
  issues: readonly z.core.$ZodIssue[],
): Finding[] {
  return issues.flatMap((issue): Finding[] => {
    if (issue.code === "unrecognized_keys")
      return issue.keys.map(
        (key) =>
          plainTextSecret(stack, schema, input, issue.path, key) ??
          unknownKeyFinding(stack, schema, input, issue.path, key),
      );
    const value = valueAt(input, issue.path);
    const node = nodeAt(schema, issue.path);
    // A check that explains this very value says so (EXPLAINS); every other check is described by its key's doc.
    let allowed =
      issue.code === "custom" && issue.params?.[EXPLAINS]
        ? issue.message
        : ((node && docOf(node)?.allowed) ?? issue.message);
    if (issue.code === "invalid_type" && issue.expected === "string" && typeof value === "number") {
      allowed += `, in quotes (YAML reads an unquoted 1.30 as the number 1.3)`;
    }
    return [{ mistake: new ConfigMistake(stack, issue.path, value, allowed), path: issue.path }];
  });
}

/**
 * The findings without the missing keys that a misspelt one stands for: `alerting.recievers` is the
 * mistake to fix, and `alerting.receivers` is missing only because of it.
 */
export function withoutTypoEchoes(findings: readonly Finding[], input: unknown): Finding[] {
  const meant = new Set(findings.flatMap((f) => (f.meant ? [keyPath(f.meant)] : [])));
  return findings.filter((f) => !(meant.has(keyPath(f.path)) && valueAt(input, f.path) === undefined));
}
