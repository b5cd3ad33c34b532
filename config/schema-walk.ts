/**
 * Finding a key of the schema by its path, for the sentence an error reads (what is allowed there, which keys
 * a section has) and for the config reference. zod's definitions (`_zod.def`) are its documented surface for
 * tools that read schemas.
 */
import type { z } from "zod";
import { FIELD_DOCS, type FieldDoc } from "./fields";

type Node = z.core.$ZodType;
type Def = {
  type: string;
  innerType?: Node;
  in?: Node;
  out?: Node;
  shape?: Record<string, Node>;
  element?: Node;
  valueType?: Node;
  options?: Node[];
  defaultValue?: unknown;
};

export function defOf(node: Node): Def {
  return node._zod.def as unknown as Def;
}

/** The node and every node it wraps (optional, default, a pipe's schema), outermost first. */
export function layers(node: Node): Node[] {
  const chain = [node];
  for (;;) {
    const def = defOf(chain[chain.length - 1]);
    // A pipe is either `.transform()` (the schema is its input) or `z.preprocess` (the schema is its output).
    const next =
      def.innerType ?? (def.type === "pipe" ? (defOf(def.in!).type === "transform" ? def.out : def.in) : undefined);
    if (!next) return chain;
    chain.push(next);
  }
}

function innermost(node: Node): Def {
  const chain = layers(node);
  return defOf(chain[chain.length - 1]);
}

/**
 * The schema of the key at `path` (strings for object keys and a map's own keys, numbers for list entries),
 * if the schema has one.
 */
export function nodeAt(root: Node, path: readonly PropertyKey[]): Node | undefined {
  let node: Node | undefined = root;
  for (const segment of path) {
    if (!node) return undefined;
    const def = innermost(node);
    node = typeof segment === "number" ? def.element : (def.shape?.[String(segment)] ?? def.valueType);
  }
  return node;
}

export function docOf(node: Node): FieldDoc | undefined {
  return layers(node)
    .map((layer) => FIELD_DOCS.get(layer))
    .find((doc) => doc !== undefined);
}

/** The fields of a section node, in the schema's order; none where the node is not a section. */
export function shapeOf(node: Node): Record<string, Node> {
  return innermost(node).shape ?? {};
}

/** The keys of the section at `path`; none where the path is not a section. */
export function keysAt(root: Node, path: readonly PropertyKey[]): string[] {
  const node = nodeAt(root, path);
  return node ? Object.keys(shapeOf(node)) : [];
}

/** The default a key takes when the stack file leaves it out, if it has one. */
export function defaultOf(node: Node): unknown {
  return layers(node)
    .map((layer) => defOf(layer))
    .find((def) => def.type === "default")?.defaultValue;
}

/** What a node holds, in the words of Pulumi.yaml's `type` (string, integer, boolean, array, object). */
export function kindOf(node: Node): "string" | "integer" | "boolean" | "array" | "object" {
  const def = innermost(node);
  switch (def.type) {
    case "object":
    case "record":
      return "object";
    case "array":
      return "array";
    case "boolean":
      return "boolean";
    case "number":
      return "integer";
    default:
      // Text, an enumeration, or `auto` or a number (prometheus.shards), which a stack file writes as text.
      return "string";
  }
}

/** Whether the key must be set: it has no default and is not optional. */
export function isRequired(node: Node): boolean {
  return !layers(node).some((layer) => ["optional", "default", "prefault"].includes(defOf(layer).type));
}

/** The entry schema of a list node. */
export function elementOf(node: Node): Node | undefined {
  return innermost(node).element;
}

/** Every key path of the schema's sections (`cluster.nodes.minNodes`), list entries' too (`alerting.receivers[].name`). */
export function keyPaths(root: Node, prefix = ""): string[] {
  return Object.entries(shapeOf(root)).flatMap(([key, node]) => {
    const element = elementOf(node);
    return [`${prefix}${key}`, ...keyPaths(element ?? node, `${prefix}${key}${element ? "[]" : ""}.`)];
  });
}
