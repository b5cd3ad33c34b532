/**
 * A stack configuration mistake, reported before any resource is created.
 * The message always names the stack, the config key, the bad value and what is allowed,
 * because the person reading it is looking at Pulumi.<stack>.yaml, not at this code.
 */
export class ConfigError extends Error {
  constructor(
    readonly stack: string,
    readonly key: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`stack '${stack}': config key 'monitoring:${key}' has ${describe(value)}; allowed: ${allowed}`);
    this.name = "ConfigError";
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "no value (it is required)";
  return `the value ${JSON.stringify(value)}`;
}
