/**
 * The building blocks of the config schema (./schema.ts): zod schemas that carry, beside their checks, the
 * sentence a user reads when a value breaks them ("what is allowed") and the line docs/configuration.md and
 * Pulumi.yaml show for them. Every leaf of the schema is made here, so no field can lack either.
 */
import { z } from "zod";
import { parseDuration } from "./duration";

export interface FieldDoc {
  /** What a valid value is, as the end of "...; allowed: <this>". */
  readonly allowed: string;
  /** What the field is for, for the config reference. */
  readonly doc?: string;
  /** The default as the reference shows it, where it depends on other keys (the cloud, the stack name). */
  readonly defaultText?: string;
  /** What is allowed as the reference shows it, where `allowed` names the stack's own region or cloud. */
  readonly allowedText?: string;
}

/** The documentation of every schema node that has one, looked up by the node itself. */
export const FIELD_DOCS = z.registry<FieldDoc>();

export function documented<T extends z.ZodType>(schema: T, doc: FieldDoc): T {
  FIELD_DOCS.add(schema, doc);
  return schema;
}

/** `pulumi config set` stores strings, and a top-level key always arrives as text: "3" is the number 3. */
function numericText(value: unknown): unknown {
  return typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}

/** A whole number within bounds, numeric text accepted (see numericText), for schemas that add to it. */
export function wholeNumber(min: number, max: number) {
  return z.preprocess(numericText, z.int().min(min).max(max));
}

export function int(min: number, max: number, doc?: string, allowed = `a whole number from ${min} to ${max}`) {
  return documented(wholeNumber(min, max), { allowed, doc });
}

/** A non-empty string matching `re`. A number (YAML's reading of an unquoted 1.30) fails as not a string. */
export function text(re: RegExp, allowed: string, doc?: string) {
  return documented(z.string().regex(re), { allowed, doc });
}

export function oneOf<const T extends readonly [string, ...string[]]>(
  values: T,
  doc?: string,
  allowed = `one of ${values.map((v) => `'${v}'`).join(", ")}`,
) {
  return documented(z.enum(values), { allowed, doc });
}

export function flag(doc?: string) {
  return documented(
    z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean()),
    { allowed: "true or false", doc },
  );
}

/** Prometheus' durations reach int64 nanoseconds at about 292 years; no setting here needs a century. */
const MAX_DURATION_SECONDS = 100 * 365 * 86400;

function formatSeconds(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * The longest scrape or rule evaluation interval: the default rules' windows are 5m to 1h, so an interval
 * of hours (a typo of minutes, most often) leaves every alert without the samples it needs.
 */
export const MAX_INTERVAL = { maxSeconds: 3600, why: "the default rules look at windows of 5m to 1h" } as const;

/**
 * A Prometheus-style duration (`30s`, `6h`, `15d`), kept as written. `minSeconds` is the shortest the
 * component reading it accepts (a zero interval makes Prometheus and Alertmanager refuse their config);
 * `maxSeconds`, where given, the longest a monitoring stack means (an interval of hours is a typo of minutes).
 */
export function duration(opts: {
  minSeconds: number;
  maxSeconds?: number;
  why?: string;
  doc?: string;
  forever?: boolean;
}) {
  const { minSeconds, maxSeconds = MAX_DURATION_SECONDS, why, doc, forever } = opts;
  const examples = maxSeconds <= 3600 ? "15s, 30s or 1m" : "30s, 6h or 15d";
  const allowed =
    `a duration such as ${examples}${minSeconds > 0 ? ` of at least ${formatSeconds(minSeconds)}` : ""} and at most ${maxSeconds === MAX_DURATION_SECONDS ? "100y" : formatSeconds(maxSeconds)}` +
    (why ? ` (${why}${forever ? "; 0d keeps it forever" : ""})` : forever ? " (0d keeps it forever)" : "");
  return documented(
    z.string().refine((value) => {
      const seconds = parseDuration(value);
      if (seconds === undefined) return false;
      if (forever && seconds === 0) return true;
      return seconds >= minSeconds && seconds <= maxSeconds;
    }),
    { allowed, doc },
  );
}

/** A list of strings, each checked by `entry`; `allowed` describes the whole list. */
export function list<T extends z.ZodType<string>>(entry: T, allowed: string, doc?: string, minItems = 0) {
  return documented(z.array(entry).min(minItems), { allowed, doc });
}

/** An object whose every key is known: any other key is refused, with the closest known key suggested. */
export function section<T extends z.ZodRawShape>(shape: T, doc: string) {
  return documented(z.strictObject(shape), { allowed: "an object of fields (docs/configuration.md lists them)", doc });
}

/**
 * A section with required fields that a stack file may still leave out: read as an empty one, so a missing
 * required field is named by its own path (cluster.apiAllowedCidrs), not by the section's. (Sections
 * without required fields say `.prefault({})` themselves.)
 */
export function optionalSection<T extends z.ZodType<object>>(schema: T) {
  return schema.prefault({} as z.input<T>);
}
