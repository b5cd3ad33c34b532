/**
 * Runs the rules between keys on a stack's config and gathers every mistake they find. A rule reports its
 * first mistake by throwing it from `fail`; the next rule runs all the same. A rule that read a key the
 * stack file got wrong (a structural mistake, or a key an earlier rule already reported) says nothing: what
 * it would say is about a stand-in value, not the user's.
 */
import { ConfigMistake } from "./errors";
import { type KeyPath, valueAt } from "./paths";
import type { RawConfig } from "./raw";
import { ReadLog } from "./read-tracking";
import { configPath } from "./schema";
import type { StackConfig } from "./types";

/** Ends a rule with a mistake at `path`; `value` defaults to the stack file's value there, or the default it took. */
export type Fail = (path: KeyPath, allowed: string, value?: unknown) => never;

export interface RuleContext {
  /** The stack file's values, as parsed from Pulumi's config (before the schema's defaults). */
  readonly input: Readonly<Record<string, unknown>>;
  readonly raw: RawConfig;
  readonly fail: Fail;
}

/** A rule between keys: returns when it finds nothing, calls `fail` on the first mistake it finds. */
export type StackRule = (config: StackConfig, context: RuleContext) => void;

/** `fail` for one stack (`config` as the schema read it): a key the stack file left out fails with the default it took. */
export function failFor(config: { readonly stack: string }, input: Readonly<Record<string, unknown>>): Fail {
  return (path, allowed, value = valueAt(input, path)) => {
    const defaulted = value === undefined ? valueAt(config, configPath(path)) : undefined;
    throw new ConfigMistake(
      config.stack,
      path,
      value ?? defaulted,
      allowed,
      defaulted === undefined ? {} : { defaulted: true },
    );
  };
}

/**
 * Every rule's mistake, in the order of the rules. `broken` lists the keys (in the stack file's terms) whose
 * values the rules must not judge by.
 */
export function runRules(
  config: StackConfig,
  rules: readonly StackRule[],
  input: Readonly<Record<string, unknown>>,
  raw: RawConfig,
  broken: readonly KeyPath[],
): ConfigMistake[] {
  const context: RuleContext = { input, raw, fail: failFor(config, input) };
  const found: ConfigMistake[] = [];
  for (const rule of rules) {
    const reads = new ReadLog();
    const tainted = () => reads.touched([...broken, ...found.map((m) => m.path)].map(configPath));
    try {
      rule(reads.view(config), context);
    } catch (err) {
      // A rule that read a broken key may also trip over it; anything else is the program's own fault.
      if (!(err instanceof ConfigMistake) && !tainted()) throw err;
      if (err instanceof ConfigMistake && !tainted()) found.push(err);
    }
  }
  return found;
}
