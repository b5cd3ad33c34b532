import { z } from "zod";
import { CLOUDS, CLOUD_TRAITS, allowedRegions, cloudOfRegion, regionAllowed } from "./clouds";
import { ConfigError } from "./errors";
import { oneOf } from "./fields";
import { issueToError, keyPath, unknownKeyAllowed, valueAt } from "./issues";
import { RawConfig, parseRawValue, receiverSecretKeys } from "./raw";
import { kubernetesSecretKeys } from "./kubernetes-rules";
import { checkRules } from "./rules";
import { resolveTeams } from "./teams";
import { checkTeams } from "./teams-rules";
import { ANY_IDENTITY, StackIdentity, TIERS, Tier, tierKeys, tierSchema } from "./schema";
import type { StackConfig } from "./types";

/**
 * Reads and validates one stack's config into a frozen object. Throws a ConfigError on the first mistake,
 * before any resource exists: unknown keys first (a typo is why a key looks missing), then the stack's
 * identity (tier, cloud, region), then every key against the tier's schema, then the files the teams name
 * (paths relative to `projectDir`: Pulumi runs the program in the project directory), then the rules
 * between keys.
 */
export function loadStackConfig(stack: string, raw: RawConfig, projectDir: string = process.cwd()): StackConfig {
  const input: Record<string, unknown> = Object.fromEntries(Object.entries(raw.values).map(([key, text]) => [key, parseRawValue(text)]));
  checkTopLevelKeys(stack, input, raw);
  const { tier, identity } = readIdentity(stack, input);
  const otherTier = TIERS.find((t) => t !== tier)!;
  const own = tierKeys(tier);
  for (const key of Object.keys(input)) {
    if (!own.includes(key) && tierKeys(otherTier).includes(key)) {
      throw new ConfigError(stack, key, input[key], `no value on a ${tier} stack: ${key} is a key of ${otherTier} stacks`, hide(raw, key));
    }
  }
  const schema = tierSchema(tier, identity);
  const keys = Object.fromEntries(Object.entries(input).filter(([key]) => own.includes(key)));
  const parsed = schema.safeParse(keys);
  if (!parsed.success) throw issueToError(stack, schema, keys, parsed.error.issues);
  const fail = (path: readonly PropertyKey[], allowed: string): never => {
    throw new ConfigError(stack, keyPath(path), valueAt(input, path), allowed);
  };
  const config = { ...parsed.data, teams: resolveTeams(tier, parsed.data.teams, projectDir, fail) } as StackConfig;
  // The teams first: the rules build the region's jobs, the teams' among them, from entries they trust.
  checkTeams(config, input, raw, fail);
  checkRules(config, input, raw);
  return deepFreeze(config);
}

/** Keys neither tier has, nor a receiver names for its secret, before anything else is read. */
function checkTopLevelKeys(stack: string, input: Record<string, unknown>, raw: RawConfig): void {
  const secrets = [...receiverSecretKeys(input), ...kubernetesSecretKeys(input)];
  const known = new Set([...tierKeys("regional"), ...tierKeys("global"), ...secrets]);
  const unknown = Object.keys(input).find((key) => !known.has(key));
  if (unknown === undefined) return;
  // The suggestion comes from the keys of the stack's own tier (regional where the tier is not readable yet).
  const schema = tierSchema(input.tier === "global" ? "global" : "regional", ANY_IDENTITY);
  throw new ConfigError(stack, unknown, input[unknown], unknownKeyAllowed(schema, [], unknown, secrets), { unknown: true, ...hide(raw, unknown) });
}

const identitySchema = z.object({ tier: oneOf(TIERS), cloud: oneOf(CLOUDS) });

function readIdentity(stack: string, input: Record<string, unknown>): { tier: Tier; identity: StackIdentity } {
  const parsed = identitySchema.safeParse(input);
  if (!parsed.success) throw issueToError(stack, identitySchema, input, parsed.error.issues);
  const { tier, cloud } = parsed.data;
  const region = input.region;
  const allowed = allowedRegions(cloud);
  if (typeof region !== "string" || !regionAllowed(cloud, region)) {
    const other = typeof region === "string" ? cloudOfRegion(region) : undefined;
    throw new ConfigError(stack, "region", region, `${other ? `'${region}' is ${CLOUD_TRAITS[other].nouns.region}; ` : ""}${allowed}`);
  }
  return { tier, identity: { stack, cloud, region } };
}

/** A secret's value never appears in a message. */
function hide(raw: RawConfig, key: string): { hidden?: string } {
  return raw.isSecret(key) ? { hidden: "a secret value" } : {};
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
