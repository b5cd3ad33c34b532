import type { PolicyConfigSchema } from "@pulumi/policy";

/**
 * A policy's configuration: the values set in the pack's config file (`--policy-pack-config`) over the
 * defaults its schema declares, so the schema is the one place a default lives.
 */
export function policyConfig<T extends object>(
  schema: PolicyConfigSchema,
  args: { getConfig<C extends object>(): C },
): T {
  const defaults: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties)) {
    if (typeof property === "object" && property.default !== undefined) defaults[key] = property.default;
  }
  return { ...defaults, ...args.getConfig<Partial<T>>() } as T;
}
