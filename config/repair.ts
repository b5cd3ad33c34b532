/**
 * A stack file with structural mistakes, made readable for the rules between keys: each broken value is
 * taken out (a key's default stands in for it, a list loses the entry), so the rules can still judge every
 * key that is not broken. What was taken out is listed, so no rule speaks about a value that stood in.
 */
import type { z } from "zod";
import { type KeyPath as Path, keyPath, valueAt } from "./paths";

/** Taking out a key whose section then lacks a required key takes out the section; at most this deep. */
const MAX_ROUNDS = 6;

export interface Repaired<T> {
  readonly data: T;
  /** Every key taken out, in the stack file's terms. */
  readonly removed: readonly Path[];
}

/** The paths to take out, none inside another, deepest and last entries first (so indices stay valid). */
function removalOrder(paths: readonly Path[]): Path[] {
  const unique = [...new Map(paths.map((p) => [keyPath(p), p])).values()];
  const outermost = unique.filter(
    (p) => !unique.some((q) => q !== p && q.length < p.length && q.every((s, i) => p[i] === s)),
  );
  return outermost.sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] !== b[i])
        return typeof a[i] === "number" && typeof b[i] === "number" ? (b[i] as number) - (a[i] as number) : 0;
    }
    return b.length - a.length;
  });
}

function remove(value: unknown, path: Path): void {
  const parent = valueAt(value, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1);
  else if (parent !== null && typeof parent === "object") delete (parent as Record<PropertyKey, unknown>)[last];
}

/** Where a zod issue is repaired: the unknown keys, the broken value, or the section of a required key that is missing. */
function repairPaths(issue: z.core.$ZodIssue, value: unknown): Path[] {
  if (issue.code === "unrecognized_keys") return issue.keys.map((key) => [...issue.path, key]);
  return [valueAt(value, issue.path) === undefined ? issue.path.slice(0, -1) : issue.path];
}

/** The schema's reading of `input` without its broken values, or undefined where a key the tier needs is broken. */
export function repair<S extends z.ZodType>(
  schema: S,
  input: Record<string, unknown>,
  broken: readonly Path[],
): Repaired<z.output<S>> | undefined {
  const value = structuredClone(input);
  const removed: Path[] = [];
  let next = broken;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (next.some((path) => path.length === 0)) return undefined;
    for (const path of removalOrder(next)) remove(value, path);
    removed.push(...next);
    const parsed = schema.safeParse(value);
    if (parsed.success) return { data: parsed.data, removed };
    next = parsed.error.issues.flatMap((issue) => repairPaths(issue, value));
  }
  return undefined;
}
