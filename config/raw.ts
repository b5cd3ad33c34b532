/**
 * The stack's config as Pulumi hands it to the program: every key of the project's namespace with its text
 * (structured values as JSON), and which of them Pulumi holds as secrets.
 */
export interface RawConfig {
  /** Keys without the `monitoring:` namespace. */
  readonly values: Readonly<Record<string, string>>;
  readonly isSecret: (key: string) => boolean;
}

/** The project name, which is also the namespace of every config key. */
export const PROJECT = "monitoring";

/**
 * The project's keys of Pulumi's whole config (`pulumi.runtime.allConfig()`), which holds every namespace
 * (`aws:region` too); `isSecret` is asked with the namespaced key, as Pulumi stores it.
 */
export function projectConfig(
  all: Readonly<Record<string, string>>,
  isSecret: (namespacedKey: string) => boolean,
): RawConfig {
  const prefix = `${PROJECT}:`;
  return {
    values: Object.fromEntries(
      Object.entries(all)
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, value]) => [key.slice(prefix.length), value]),
    ),
    isSecret: (key) => isSecret(prefix + key),
  };
}

/** A top-level value as the schema reads it: structured values parsed from their JSON text, the rest as text. */
export function parseRawValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * The keys the receivers (the stack's and its teams') and the heartbeat of a stack's (parsed) config name for
 * their secrets: the only top-level keys beside the schema's. Tools that stand in for
 * `pulumi config set --secret` hold these as secrets. A `secretKey` anywhere else in the values names one
 * too: a receiver under a misspelt key (`alerting.recievers`) still names its secret, and the typo, not the
 * secret, is the mistake to report.
 */
export function receiverSecretKeys(values: Readonly<Record<string, unknown>>): string[] {
  const alerting = values.alerting as { receivers?: unknown; heartbeat?: unknown } | undefined;
  const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  // The teams' receivers (global stack) name theirs the same way.
  const teamReceivers = listOf(values.teams).flatMap((team) =>
    listOf((team as { receivers?: unknown } | null)?.receivers),
  );
  const receivers = [...listOf(alerting?.receivers), ...teamReceivers];
  const named = [...receivers, alerting?.heartbeat].map(
    (r) => (r as { secretKey?: unknown } | null | undefined)?.secretKey,
  );
  return [
    ...new Set([
      ...named.filter((k): k is string => typeof k === "string"),
      ...Object.values(values).flatMap(secretKeysWithin),
    ]),
  ];
}

/** Every string `secretKey` field at any depth of a structured value. */
function secretKeysWithin(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(secretKeysWithin);
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, field]) =>
    key === "secretKey" && typeof field === "string" ? [field] : secretKeysWithin(field),
  );
}
