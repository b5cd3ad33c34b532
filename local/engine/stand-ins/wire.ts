/**
 * How values look on the provider protocol as `@pulumi/pulumi/provider` hands them over: its server
 * answers Configure with acceptSecrets, so the engine sends secret inputs as signature objects, and
 * `Struct.fromJavaScript` passes the same objects back to the engine, which reads them as secrets. During
 * a preview, values not yet known arrive as the unknown sentinel string.
 */
const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Properties = Record<string, unknown>;

export interface SecretValue {
  readonly [SIGNATURE_KEY]: typeof SECRET_SIGNATURE;
  readonly value: unknown;
}

export function secret(value: unknown): SecretValue {
  return { [SIGNATURE_KEY]: SECRET_SIGNATURE, value };
}

export function isSecret(value: unknown): value is SecretValue {
  return typeof value === "object" && value !== null && (value as Properties)[SIGNATURE_KEY] === SECRET_SIGNATURE;
}

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN || (isSecret(value) && isUnknown(value.value));
}

/** The value with every secret wrapper removed, at any depth. */
export function reveal(value: unknown): unknown {
  if (isSecret(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  }
  return value;
}

/** Deep equality of two wire values, secrets compared by what they hide. */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(reveal(a))) === JSON.stringify(canonical(reveal(b)));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Properties)[k])]),
    );
  }
  return value;
}

/** The resource type of a URN (`urn:pulumi:stack::project::parent$type::name`). */
export function typeOfUrn(urn: string): string {
  const qualifiedType = urn.split("::")[2] ?? "";
  return qualifiedType.split("$").pop() ?? "";
}
