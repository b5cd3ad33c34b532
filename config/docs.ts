/**
 * What the schema says about each key, as users read it: the config reference of docs/configuration.md,
 * written by `npm run config:docs`; a unit test proves the file holds exactly what the schema gives.
 * Pulumi.yaml declares no keys: the CLI requires every declared key that has no default in every stack, and the
 * tiers' keys differ.
 */
import type { z } from "zod";
import { ANY_IDENTITY, TIERS, type Tier, tierKeys, tierSchema } from "./schema";
import { defaultOf, docOf, elementOf, isRequired, kindOf, nodeAt, shapeOf } from "./schema-walk";

type Node = z.core.$ZodType;

/** Every top-level key, in the schema's order: the keys both tiers have, then the regional ones, then the global ones. */
function topLevelKeys(): string[] {
  return [...new Set(TIERS.flatMap((tier) => tierKeys(tier)))];
}

function tierWords(tiers: readonly Tier[]): string {
  return tiers.length === TIERS.length ? "both" : tiers[0];
}

/** An object of known keys, which the reference lists below it (a map of any keys is described by its own row). */
const isSection = (node: Node) => Object.keys(shapeOf(node)).length > 0;

/** The default as a reference cell says it: a value, words, "required", or the defaults of a section's keys. */
function defaultWords(node: Node): string {
  const doc = docOf(node);
  if (doc?.defaultText) return doc.defaultText;
  if (isRequired(node)) return "required";
  if (isSection(node)) return "the defaults of its keys";
  const value = defaultOf(node);
  if (value === undefined) return "none";
  return typeof value === "string" ? value : JSON.stringify(value);
}

interface ReferenceRow {
  readonly key: string;
  readonly tiers: string;
  readonly type: string;
  readonly default: string;
  readonly allowed: string;
  readonly doc: string;
}

/**
 * A key's row and its fields' rows, from the key's node in each tier's schema that has it: a section both
 * tiers share (kubernetes) lists each field with the tiers that have it.
 */
function rows(nodes: Partial<Record<Tier, Node>>, key: string): ReferenceRow[] {
  const tiers = TIERS.filter((tier) => nodes[tier] !== undefined);
  const node = nodes[tiers[0]]!;
  const doc = docOf(node);
  const type = kindOf(node);
  // A section's own `allowed` speaks to a stack file's author ("docs/configuration.md lists them"); here its
  // keys follow.
  const allowed = isSection(node) ? "an object of the keys below" : (doc?.allowedText ?? doc?.allowed ?? "");
  const row: ReferenceRow = {
    key,
    tiers: tierWords(tiers),
    type,
    default: defaultWords(node),
    allowed,
    doc: doc?.doc ?? "",
  };
  const prefix = type === "array" ? `${key}[]` : key;
  const fieldsOf = (tier: Tier) => {
    const inner = type === "array" ? elementOf(nodes[tier]!) : nodes[tier]!;
    return inner ? shapeOf(inner) : {};
  };
  const fields = [...new Set(tiers.flatMap((tier) => Object.keys(fieldsOf(tier))))];
  return [
    row,
    ...fields.flatMap((field) =>
      rows(
        Object.fromEntries(tiers.flatMap((tier) => (fieldsOf(tier)[field] ? [[tier, fieldsOf(tier)[field]]] : []))),
        `${prefix}.${field}`,
      ),
    ),
  ];
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** The config reference table of docs/configuration.md. */
export function configReferenceTable(): string {
  const all = topLevelKeys().flatMap((key) =>
    rows(
      Object.fromEntries(
        TIERS.flatMap((tier) =>
          tierKeys(tier).includes(key) ? [[tier, nodeAt(tierSchema(tier, ANY_IDENTITY), [key])!]] : [],
        ),
      ),
      key,
    ),
  );
  const lines = [
    "| key | stacks | type | default | allowed | what it is for |",
    "|---|---|---|---|---|---|",
    ...all.map(
      (r) => `| \`${r.key}\` | ${r.tiers} | ${r.type} | ${cell(r.default)} | ${cell(r.allowed)} | ${cell(r.doc)} |`,
    ),
    "| `<receiver secretKey>` | global | string, secret | required | the receiver's URL or routing key, set with `pulumi config set --secret <secretKey> <value>` | named by `alerting.receivers[].secretKey` |",
  ];
  return lines.join("\n");
}
