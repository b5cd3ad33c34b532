import * as bcrypt from "bcryptjs";
import { randomBytes, randomInt } from "node:crypto";
import type * as provider from "@pulumi/pulumi/provider";
import { type ResourceKind, standInProvider } from "./stand-in";
import { isUnknown, type Properties, secret } from "./wire";

/** terraform-provider-random v3.7 internal/random/string.go */
const CHARACTER_SETS = {
  numeric: "0123456789",
  lower: "abcdefghijklmnopqrstuvwxyz",
  upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  special: "!@#$%&*()-_=+[]{}<>:?",
} as const;

/** golang.org/x/crypto/bcrypt's DefaultCost and prefix, which the real provider's bcryptHash carries. */
const BCRYPT_COST = 10;
const BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export interface PasswordSettings {
  readonly length: number;
  readonly upper: boolean;
  readonly lower: boolean;
  readonly numeric: boolean;
  readonly special: boolean;
  readonly minUpper: number;
  readonly minLower: number;
  readonly minNumeric: number;
  readonly minSpecial: number;
  readonly overrideSpecial?: string;
}

const randomCharacters = (set: string, count: number): string[] =>
  Array.from({ length: Math.max(0, count) }, () => set[randomInt(set.length)]);

/**
 * Like CreateString upstream: each minimum drawn from its own set (even a set that is switched off,
 * as upstream does), the rest from the union of the sets switched on, then shuffled.
 */
export function randomPassword(s: PasswordSettings): string {
  const special = s.overrideSpecial || CHARACTER_SETS.special;
  const pool = [
    s.upper && CHARACTER_SETS.upper,
    s.lower && CHARACTER_SETS.lower,
    s.numeric && CHARACTER_SETS.numeric,
    s.special && special,
  ]
    .filter((set): set is string => Boolean(set))
    .join("");
  if (pool === "") throw new Error("the character set specified is empty");
  const minimums = [
    ...randomCharacters(CHARACTER_SETS.numeric, s.minNumeric),
    ...randomCharacters(CHARACTER_SETS.lower, s.minLower),
    ...randomCharacters(CHARACTER_SETS.upper, s.minUpper),
    ...randomCharacters(special, s.minSpecial),
  ];
  const all = [...minimums, ...randomCharacters(pool, s.length - minimums.length)];
  return all
    .map((c) => ({ c, key: randomInt(2 ** 32) }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.c)
    .join("");
}

/** bcrypt with Go's "$2a$" prefix and cost 10 (bcryptjs itself would write "$2b$"). */
export function bcryptHash(password: string): string {
  const salt = Array.from(randomBytes(22), (b) => BCRYPT_ALPHABET[b % 64]).join("");
  return bcrypt.hashSync(password, `$2a$${BCRYPT_COST}$${salt}`);
}

const INTEGER_INPUTS = ["length", "minUpper", "minLower", "minNumeric", "minSpecial"] as const;

function validatePassword(inputs: Properties): provider.CheckFailure[] {
  const failures: provider.CheckFailure[] = [];
  for (const name of INTEGER_INPUTS) {
    const v = inputs[name];
    if (!isUnknown(v) && (!Number.isInteger(v) || (v as number) < 0))
      failures.push({ property: name, reason: `${name} must be a whole number >= 0` });
  }
  const length = inputs.length;
  const minimums = ["minUpper", "minLower", "minNumeric", "minSpecial"].map((k) => inputs[k]);
  if (Number.isInteger(length) && minimums.every(Number.isInteger)) {
    const sum = (minimums as number[]).reduce((a, b) => a + b, 0);
    if ((length as number) < Math.max(1, sum))
      failures.push({
        property: "length",
        reason: `length must be at least 1 and at least the sum of the minimums (${sum})`,
      });
  }
  if (!isUnknown(inputs.number) && !isUnknown(inputs.numeric) && inputs.number !== inputs.numeric) {
    failures.push({ property: "numeric", reason: "number (deprecated) and numeric must agree" });
  }
  return failures;
}

/**
 * random:index/randomPassword:RandomPassword. Every input replaces except as upstream's plan modifiers
 * say: keepers only when a value that is not null changes, overrideSpecial not from "" to unset.
 */
export const randomPasswordKind: ResourceKind = {
  type: "random:index/randomPassword:RandomPassword",
  inputs: [
    "keepers",
    "length",
    "lower",
    "minLower",
    "minNumeric",
    "minSpecial",
    "minUpper",
    "number",
    "numeric",
    "overrideSpecial",
    "special",
    "upper",
  ],
  defaults: { special: true, upper: true, lower: true, minUpper: 0, minLower: 0, minNumeric: 0, minSpecial: 0 },
  updatable: [],
  complete(inputs) {
    // Upstream's NumberNumericAttributePlanModifier: either one sets both; neither means both true.
    const numeric = inputs.numeric ?? inputs.number ?? true;
    return { ...inputs, numeric, number: inputs.number ?? numeric };
  },
  replacesOnChange(input, old, next) {
    if (input === "keepers") return !sameNonNullEntries(old, next);
    if (input === "overrideSpecial") return !(old === "" && next === undefined);
    return true;
  },
  validate: validatePassword,
  async create(inputs) {
    const result = randomPassword(inputs as unknown as PasswordSettings);
    return { id: "none", outputs: { result: secret(result), bcryptHash: secret(bcryptHash(result)) } };
  },
};

function sameNonNullEntries(a: unknown, b: unknown): boolean {
  const nonNull = (m: unknown) =>
    Object.entries((m ?? {}) as Properties)
      .filter(([, v]) => v !== null && v !== undefined)
      .sort(([x], [y]) => x.localeCompare(y));
  return JSON.stringify(nonNull(a)) === JSON.stringify(nonNull(b));
}

export function randomStandIn(version: string): provider.Provider {
  return standInProvider(version, [randomPasswordKind]);
}
