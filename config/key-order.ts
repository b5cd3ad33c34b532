/**
 * The order mistakes are listed in: the order of the keys in the schema (the config reference's order), list
 * entries by their index, and keys the schema does not have (a misspelt key, a receiver's secret) after the
 * known keys of their section.
 */
import type { z } from "zod";
import { keyPaths } from "./schema-walk";

type Path = readonly PropertyKey[];

/** A path's place at each depth: an entry's index, or the key's place among the schema's key paths. */
function ranks(path: Path, order: ReadonlyMap<string, number>): number[] {
  let pattern = "";
  return path.map((segment) => {
    if (typeof segment === "number") {
      pattern += "[]";
      return segment;
    }
    pattern += `${pattern === "" ? "" : "."}${String(segment)}`;
    return order.get(pattern) ?? order.size;
  });
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

/** Sorts items by the key path each is about; items of one key keep their order. */
export function inKeyOrder<T>(schema: z.ZodType, items: readonly T[], pathOf: (item: T) => Path): T[] {
  const order = new Map(keyPaths(schema).map((path, i) => [path, i]));
  return items
    .map((item, i) => ({ item, i, ranks: ranks(pathOf(item), order) }))
    .sort((a, b) => compareRanks(a.ranks, b.ranks) || a.i - b.i)
    .map(({ item }) => item);
}
