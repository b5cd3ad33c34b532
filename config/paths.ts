/** Key paths of the stack config: `["prometheus", "staticJobs", 0, "shard"]`, as the stack file nests its keys. */

export type KeyPath = readonly PropertyKey[];

/** `prometheus.staticJobs[0].shard`: the key path as a user finds it in the stack file. */
export function keyPath(path: KeyPath): string {
  return path
    .map((segment, i) => (typeof segment === "number" ? `[${segment}]` : `${i === 0 ? "" : "."}${String(segment)}`))
    .join("");
}

export function valueAt(input: unknown, path: KeyPath): unknown {
  return path.reduce<unknown>(
    (value, segment) =>
      value !== null && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[segment] : undefined,
    input,
  );
}

/** Whether one path lies inside the other (or is the other). */
export function nested(a: KeyPath, b: KeyPath): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}
