/**
 * Stack configuration mistakes, reported before any resource is created.
 * Each one is one sentence that names the stack, the config key, the bad value and what is allowed, because
 * the person reading it is looking at Pulumi.<stack>.yaml, not at this code. The stack's name is `stackName`:
 * a field named `stack` would replace Error.stack and make Node print an object, not the sentence.
 */

import { type KeyPath, keyPath } from "./paths";

/** How a mistake's value reads. */
export interface MistakeKind {
  /** The key itself is the mistake. */
  readonly unknown?: boolean;
  /** Words that stand for a value that must not be shown. */
  readonly hidden?: string;
  /** The stack file left the key out and `value` is its default. */
  readonly defaulted?: boolean;
}

/**
 * One mistake of a stack's config. It is thrown inside a check to end that check (the loader catches it and
 * goes on with the next one); the stack's whole list reaches the user as a ConfigError.
 */
export class ConfigMistake extends Error {
  /** The key path as the sentence shows it. */
  readonly key: string;

  constructor(
    readonly stackName: string,
    readonly path: KeyPath,
    readonly value: unknown,
    readonly allowed: string,
    readonly kind: MistakeKind = {},
  ) {
    super(
      `stack '${stackName}': config key 'monitoring:${keyPath(path)}' ` +
        (kind.unknown
          ? `is not a key of this program (set to ${describe(value, kind.hidden)})`
          : `has ${describe(value, kind.hidden)}${kind.defaulted ? " (its default)" : ""}`) +
        `; allowed: ${allowed}`,
    );
    this.name = "ConfigMistake";
    this.key = keyPath(path);
  }
}

/**
 * Every mistake of a stack's config, one sentence a line: the structural ones (unknown keys, types, values
 * out of range) first, then those of the rules between keys, each group in the order of the keys.
 */
export class ConfigError extends Error {
  readonly stackName: string;

  constructor(readonly mistakes: readonly ConfigMistake[]) {
    super(mistakes.map((m) => m.message).join("\n"));
    this.name = "ConfigError";
    this.stackName = mistakes[0].stackName;
  }
}

/** A value that parses but that few mean, said once in the output: the stack, the key, the value and why it is doubtful. */
export function configWarning(
  stackName: string,
  path: KeyPath,
  value: unknown,
  why: string,
  kind: MistakeKind = {},
): string {
  return `stack '${stackName}': config key 'monitoring:${keyPath(path)}' has ${describe(value, kind.hidden)}${kind.defaulted ? " (its default)" : ""}; ${why}`;
}

const MAX_SHOWN = 120;

function describe(value: unknown, hidden?: string): string {
  if (value === undefined) return "no value (it is required)";
  if (hidden) return hidden;
  if (typeof value === "number") return `the number ${value}`;
  const json = JSON.stringify(value);
  return `the value ${json.length > MAX_SHOWN ? `${json.slice(0, MAX_SHOWN)}...` : json}`;
}
