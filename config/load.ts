import { z } from "zod";
import { CLOUDS, CLOUD_TRAITS, allowedRegions, cloudOfRegion, regionAllowed } from "./clouds";
import { ConfigError, ConfigMistake } from "./errors";
import { oneOf } from "./fields";
import { type Finding, issueFindings, unknownKeyFinding, withoutTypoEchoes } from "./issues";
import { inKeyOrder } from "./key-order";
import type { KeyPath } from "./paths";
import { type RawConfig, parseRawValue, receiverSecretKeys } from "./raw";
import { kubernetesSecretKeys } from "./cloud/kubernetes/rules";
import { repair } from "./repair";
import { type StackRule, failFor, runRules } from "./rule-runner";
import { STACK_RULES } from "./rules";
import { resolveTeam, unresolvedTeam } from "./teams";
import { TEAM_RULES } from "./teams-rules";
import { ANY_IDENTITY, type StackIdentity, TIERS, type Tier, tierKeys, tierSchema } from "./schema";
import type { DeclaredTeam, StackConfig, Team } from "./types";

type Input = Record<string, unknown>;

/**
 * Reads and validates one stack's config into a frozen object, before any resource exists. Throws one
 * ConfigError with every mistake found: first the structural ones (unknown keys, keys of the other tier, the
 * stack's identity, every key against the tier's schema), then those of the files the teams name (paths
 * relative to `projectDir`: Pulumi runs the program in the project directory) and of the rules between keys,
 * this module's and `moreRules` (rules above config, which need what builders make of the config).
 */
export function loadStackConfig(
  stack: string,
  raw: RawConfig,
  projectDir: string = process.cwd(),
  moreRules: readonly StackRule[] = [],
): StackConfig {
  const input: Input = Object.fromEntries(Object.entries(raw.values).map(([key, text]) => [key, parseRawValue(text)]));
  const unknownKeys = unknownTopLevelKeys(stack, input, raw);
  const read = readIdentity(stack, input);
  if ("findings" in read) throw configError([...unknownKeys, ...read.findings], orderSchema(input));
  const { tier, identity } = read;
  const schema = tierSchema(tier, identity);
  const own = tierKeys(tier);
  const keys = Object.fromEntries(Object.entries(input).filter(([key]) => own.includes(key)));
  const parsed = schema.safeParse(keys);
  const schemaFindings = parsed.success ? [] : issueFindings(stack, schema, keys, parsed.error.issues);
  const structural = withoutTypoEchoes(
    [...unknownKeys, ...otherTierKeys(stack, tier, input, raw), ...schemaFindings],
    input,
  );
  const readable = parsed.success
    ? { data: parsed.data, removed: [] }
    : repair(
        schema,
        keys,
        schemaFindings.map((f) => f.path),
      );
  // A key the tier cannot do without is broken: the rules between keys have nothing to judge.
  if (readable === undefined) throw configError(structural, schema);

  const teams = readTeams(tier, readable.data.teams, projectDir, failFor(readable.data, input));
  const config = { ...readable.data, teams: teams.map((t) => t.team) } as StackConfig;
  const teamMistakes = teams.flatMap((t) => (t.mistake ? [t.mistake] : []));
  const broken = [...readable.removed, ...structural.map((f) => f.path), ...teamMistakes.map((m) => m.path)];
  const ruleMistakes = [
    ...teamMistakes,
    ...runRules(config, [...TEAM_RULES, ...STACK_RULES, ...moreRules], input, raw, broken),
  ];
  if (structural.length + ruleMistakes.length > 0)
    throw configError(
      structural,
      schema,
      inKeyOrder(schema, ruleMistakes, (m) => m.path),
    );
  return deepFreeze(config);
}

/** The stack's ConfigError: structural findings in the order of the keys, then the rules' mistakes as given. */
function configError(
  structural: readonly Finding[],
  schema: z.ZodType,
  ruleMistakes: readonly ConfigMistake[] = [],
): ConfigError {
  const ordered = inKeyOrder(schema, structural, (f) => f.path).map((f) => f.mistake);
  const unique = [...new Map([...ordered, ...ruleMistakes].map((m) => [m.message, m])).values()];
  return new ConfigError(unique);
}

/** The schema whose key order lists a stack's mistakes where its tier is not readable: regional unless it says global. */
function orderSchema(input: Input): z.ZodType {
  return tierSchema(input.tier === "global" ? "global" : "regional", ANY_IDENTITY);
}

/** Keys neither tier has, nor a receiver names for its secret. */
function unknownTopLevelKeys(stack: string, input: Input, raw: RawConfig): Finding[] {
  const secrets = [...receiverSecretKeys(input), ...kubernetesSecretKeys(input)];
  const known = new Set([...tierKeys("regional"), ...tierKeys("global"), ...secrets]);
  // The suggestion comes from the keys of the stack's own tier (regional where the tier is not readable yet).
  const schema = orderSchema(input);
  return Object.keys(input)
    .filter((key) => !known.has(key))
    .map((key) => unknownKeyFinding(stack, schema, input, [], key, { keys: secrets, ...hide(raw, key) }));
}

/** Keys of the other tier, which this stack would silently ignore. */
function otherTierKeys(stack: string, tier: Tier, input: Input, raw: RawConfig): Finding[] {
  const otherTier = TIERS.find((t) => t !== tier)!;
  const own = tierKeys(tier);
  return Object.keys(input)
    .filter((key) => !own.includes(key) && tierKeys(otherTier).includes(key))
    .map((key) => ({
      path: [key],
      mistake: new ConfigMistake(
        stack,
        [key],
        input[key],
        `no value on a ${tier} stack: ${key} is a key of ${otherTier} stacks`,
        hide(raw, key),
      ),
    }));
}

const identitySchema = z.object({ tier: oneOf(TIERS), cloud: oneOf(CLOUDS) });

/** The stack's tier, cloud and region, which every other key is read by, or what is wrong with them. */
function readIdentity(stack: string, input: Input): { tier: Tier; identity: StackIdentity } | { findings: Finding[] } {
  const parsed = identitySchema.safeParse(input);
  const findings = parsed.success ? [] : issueFindings(stack, identitySchema, input, parsed.error.issues);
  const cloud = parsed.success ? parsed.data.cloud : CLOUDS.find((c) => c === input.cloud);
  const region = input.region;
  if (cloud !== undefined && (typeof region !== "string" || !regionAllowed(cloud, region))) {
    const other = typeof region === "string" ? cloudOfRegion(region) : undefined;
    const allowed = allowedRegions(cloud);
    findings.push({
      path: ["region"],
      mistake: new ConfigMistake(
        stack,
        ["region"],
        region,
        `${other ? `'${region}' is ${CLOUD_TRAITS[other].nouns.region}; ` : ""}${allowed}`,
      ),
    });
  }
  if (!parsed.success || findings.length > 0) return { findings };
  return { tier: parsed.data.tier, identity: { stack, cloud: parsed.data.cloud, region: region as string } };
}

/** Each team with the content of its files, or with none and the mistake that kept them out. */
function readTeams(
  tier: Tier,
  teams: readonly DeclaredTeam[],
  projectDir: string,
  fail: (path: KeyPath, allowed: string) => never,
): { team: Team; mistake?: ConfigMistake }[] {
  return teams.map((team, i) => {
    try {
      return { team: resolveTeam(tier, team, i, projectDir, fail) };
    } catch (err) {
      if (!(err instanceof ConfigMistake)) throw err;
      return { team: unresolvedTeam(team), mistake: err };
    }
  });
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
