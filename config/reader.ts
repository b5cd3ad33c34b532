import { ConfigError } from "./errors";
import { parseDuration } from "./duration";

/** Looks up one raw config value of the `monitoring` namespace; structured values arrive as JSON text. */
export type RawConfig = (key: string) => string | undefined;

interface Bounds {
  min?: number;
  max?: number;
}

/**
 * Typed, validated access to a stack's config. Every failure is a ConfigError naming the stack, the full
 * key (`prometheus.replicas`), the bad value and what is allowed. Structured keys are read through
 * `section`, so nested fields report their dotted path.
 */
export class ConfigReader {
  private constructor(
    readonly stack: string,
    private readonly prefix: string,
    private readonly lookup: (key: string) => unknown,
  ) {}

  static fromRaw(stack: string, raw: RawConfig): ConfigReader {
    return new ConfigReader(stack, "", (key) => {
      const text = raw(key);
      if (text === undefined) return undefined;
      const trimmed = text.trim();
      if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
          return JSON.parse(trimmed);
        } catch {
          return text;
        }
      }
      return text;
    });
  }

  /** A reader over the object stored under `key` (absent means every field takes its default). */
  section(key: string): ConfigReader {
    const value = this.lookup(key);
    if (value !== undefined && (typeof value !== "object" || value === null || Array.isArray(value))) {
      this.fail(key, value, "an object of fields");
    }
    const fields = (value ?? {}) as Record<string, unknown>;
    return new ConfigReader(this.stack, this.path(key) + ".", (k) => fields[k]);
  }

  has(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  fail(key: string, value: unknown, allowed: string): never {
    throw new ConfigError(this.stack, this.path(key), value, allowed);
  }

  raw(key: string): unknown {
    return this.lookup(key);
  }

  requireString(key: string, allowed = "a non-empty string"): string {
    const value = this.lookup(key);
    if (typeof value !== "string" || value.trim() === "") this.fail(key, value, allowed);
    return value;
  }

  string(key: string, fallback: string, pattern?: { re: RegExp; allowed: string }): string {
    const value = this.lookup(key);
    if (value === undefined) return fallback;
    if (typeof value !== "string" || value.trim() === "") this.fail(key, value, pattern?.allowed ?? "a non-empty string");
    if (pattern && !pattern.re.test(value)) this.fail(key, value, pattern.allowed);
    return value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
    const value = this.lookup(key);
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
      this.fail(key, value, `one of ${allowed.map((a) => `'${a}'`).join(", ")}`);
    }
    return value as T;
  }

  /** A whole number; numeric strings are accepted because `pulumi config set` stores strings. */
  integer(key: string, fallback: number | undefined, bounds: Bounds = {}): number {
    const value = this.lookup(key);
    const allowed = describeBounds("a whole number", bounds);
    if (value === undefined) {
      if (fallback === undefined) this.fail(key, value, allowed);
      return fallback;
    }
    const n = typeof value === "number" ? value : typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isInteger(n)) this.fail(key, value, allowed);
    if ((bounds.min !== undefined && n < bounds.min) || (bounds.max !== undefined && n > bounds.max)) {
      this.fail(key, value, allowed);
    }
    return n;
  }

  /** A Prometheus-style duration (`30s`, `6h`, `15d`), returned as written after checking its bounds. */
  duration(key: string, fallback: string, bounds: { minSeconds?: number; why?: string } = {}): string {
    const value = this.lookup(key) ?? fallback;
    const allowed =
      "a duration such as 30s, 6h or 15d" +
      (bounds.minSeconds !== undefined ? ` of at least ${formatSeconds(bounds.minSeconds)}${bounds.why ? ` (${bounds.why})` : ""}` : "");
    const seconds = typeof value === "string" ? parseDuration(value) : undefined;
    if (seconds === undefined) this.fail(key, value, allowed);
    if (bounds.minSeconds !== undefined && seconds < bounds.minSeconds) this.fail(key, value, allowed);
    return value as string;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.lookup(key);
    if (value === undefined) return fallback;
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    return this.fail(key, value, "true or false");
  }

  /** A list of strings; each entry checked by `check`, which returns an error description or undefined. */
  stringList(key: string, fallback: readonly string[] | undefined, check?: (entry: string) => string | undefined, allowed = "a list of strings"): string[] {
    const value = this.lookup(key);
    if (value === undefined) {
      if (fallback === undefined) this.fail(key, value, allowed);
      return [...fallback];
    }
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) this.fail(key, value, allowed);
    for (const entry of value as string[]) {
      const problem = check?.(entry);
      if (problem !== undefined) this.fail(key, entry, problem);
    }
    return [...(value as string[])];
  }

  /** A list of objects, each read through its own section reader (keys named `key[i].field`). */
  objectList<T>(key: string, read: (entry: ConfigReader, index: number) => T, fallback: T[] = []): T[] {
    const value = this.lookup(key);
    if (value === undefined) return fallback;
    if (!Array.isArray(value)) this.fail(key, value, "a list of objects");
    return value.map((entry, i) => {
      const entryKey = `${key}[${i}]`;
      if (typeof entry !== "object" || entry === null || Array.isArray(entry)) this.fail(entryKey, entry, "an object of fields");
      return read(new ConfigReader(this.stack, this.path(entryKey) + ".", (k) => (entry as Record<string, unknown>)[k]), i);
    });
  }

  private path(key: string): string {
    return this.prefix + key;
  }
}

function describeBounds(what: string, { min, max }: Bounds): string {
  if (min !== undefined && max !== undefined) return `${what} from ${min} to ${max}`;
  if (min !== undefined) return `${what} of at least ${min}`;
  if (max !== undefined) return `${what} of at most ${max}`;
  return what;
}

function formatSeconds(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
