/**
 * A stack configuration mistake, reported before any resource is created.
 * The message always names the stack, the config key, the bad value and what is allowed, in one sentence,
 * because the person reading it is looking at Pulumi.<stack>.yaml, not at this code. The stack's name is
 * `stackName`: a field named `stack` would replace Error.stack and make Node print an object, not the sentence.
 */
export class ConfigError extends Error {
  constructor(
    readonly stackName: string,
    readonly key: string,
    readonly value: unknown,
    readonly allowed: string,
    /**
     * `unknown`: the key itself is the mistake; `hidden`: words that stand for a value that must not be shown;
     * `defaulted`: the stack file left the key out and `value` is its default.
     */
    readonly kind: { readonly unknown?: boolean; readonly hidden?: string; readonly defaulted?: boolean } = {},
  ) {
    super(
      `stack '${stackName}': config key 'monitoring:${key}' ` +
        (kind.unknown ? `is not a key of this program (set to ${describe(value, kind.hidden)})` : `has ${describe(value, kind.hidden)}${kind.defaulted ? " (its default)" : ""}`) +
        `; allowed: ${allowed}`,
    );
    this.name = "ConfigError";
  }
}

const MAX_SHOWN = 120;

function describe(value: unknown, hidden?: string): string {
  if (value === undefined) return "no value (it is required)";
  if (hidden) return hidden;
  if (typeof value === "number") return `the number ${value}`;
  const json = JSON.stringify(value);
  return `the value ${json.length > MAX_SHOWN ? `${json.slice(0, MAX_SHOWN)}...` : json}`;
}
