import { ConfigMistake } from "./errors";
import type { RawConfig } from "./raw";

/** A config key a receiver, the heartbeat or a platform's credentials read: set, and held by Pulumi as a secret. */
export function requireSecret(stack: string, raw: RawConfig, key: string, holds: string): void {
  const setWith = `pulumi config set --secret ${key} <value>`;
  if (raw.values[key] === undefined)
    throw new ConfigMistake(stack, [key], undefined, `${holds}, set as a secret with: ${setWith}`);
  if (!raw.isSecret(key)) {
    throw new ConfigMistake(
      stack,
      [key],
      raw.values[key],
      `a secret, not plain text: it holds ${holds}; set it with: ${setWith}`,
      {
        hidden: "a value in plain text (not shown here)",
      },
    );
  }
}
