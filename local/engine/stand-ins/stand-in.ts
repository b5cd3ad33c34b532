import type * as provider from "@pulumi/pulumi/provider";
import { isUnknown, type Properties, reveal, sameValue, typeOfUrn } from "./wire";

/**
 * One resource type a stand-in serves, described the way the real provider's schema does: its inputs
 * with their defaults, which of them a change replaces, and how it is created. Everything a kind sees is
 * revealed (no secret wrappers); what it returns wraps its secret outputs itself.
 */
export interface ResourceKind {
  readonly type: string;
  readonly inputs: readonly string[];
  readonly defaults: Readonly<Properties>;
  /** Defaults that depend on other inputs, applied after `defaults`. */
  complete?(inputs: Properties): Properties;
  /** Inputs a change to which is applied in place; a change to any other input replaces. */
  readonly updatable: readonly string[];
  /** Overrides "a change replaces" for inputs whose real plan modifier replaces only on some changes. */
  replacesOnChange?(input: string, old: unknown, next: unknown): boolean;
  /** Reasons the (revealed) inputs are invalid; unknown values are to be let through. */
  validate(inputs: Properties): provider.CheckFailure[];
  create(inputs: Properties): Promise<{ id: string; outputs: Properties }>;
  /** Outputs that change with time alone (a certificate's readyForRenewal), recomputed on read and update. */
  refresh?(state: Properties): Properties;
  /** Whether time alone requires a replacement, given the stored state and the new inputs. */
  dueForReplacement?(state: Properties, inputs: Properties): boolean;
}

/** The property the engine reports as the cause when time alone replaces a resource. */
export const RENEWAL_PROPERTY = "readyForRenewal";

export function standInProvider(version: string, kinds: readonly ResourceKind[]): provider.Provider {
  const byType = new Map(kinds.map((k) => [k.type, k]));
  const kindOf = (urn: string): ResourceKind => {
    const kind = byType.get(typeOfUrn(urn));
    if (!kind)
      throw new Error(
        `this test stand-in does not serve ${typeOfUrn(urn)}; it serves ${[...byType.keys()].join(", ")}`,
      );
    return kind;
  };
  return {
    version,
    check: async (urn, _olds, news) => check(kindOf(urn), news),
    diff: async (_id, urn, olds, news) => diff(kindOf(urn), olds, news),
    create: async (urn, inputs) => {
      const { id, outputs } = await kindOf(urn).create(reveal(inputs) as Properties);
      return { id, outs: { ...inputs, ...outputs } };
    },
    read: async (id, urn, props) => {
      const kind = kindOf(urn);
      return { id, props: refreshed(kind, props), inputs: pick(props, kind.inputs) };
    },
    update: async (_id, urn, olds, news) => {
      const kind = kindOf(urn);
      const kept = Object.fromEntries(Object.entries(olds as Properties).filter(([k]) => !kind.inputs.includes(k)));
      return { outs: refreshed(kind, { ...kept, ...news }) };
    },
    delete: async () => {
      // Like the real providers': keys, certificates and passwords live only in the state.
    },
  };
}

function check(kind: ResourceKind, news: Properties): provider.CheckResult {
  const withDefaults: Properties = { ...kind.defaults, ...news };
  const inputs = kind.complete ? kind.complete(withDefaults) : withDefaults;
  const unserved = Object.keys(news).filter((k) => !kind.inputs.includes(k) && !k.startsWith("__"));
  const failures = [
    ...unserved.map((property) => ({
      property,
      reason: `the ${kind.type} test stand-in does not serve input "${property}"`,
    })),
    ...kind.validate(reveal(inputs) as Properties),
  ];
  return { inputs, failures };
}

function diff(kind: ResourceKind, olds: Properties, news: Properties): provider.DiffResult {
  const changed = kind.inputs.filter((k) => isUnknown(news[k]) || !sameValue(olds[k], news[k]));
  const replaces = changed.filter(
    (k) =>
      !kind.updatable.includes(k) &&
      (isUnknown(news[k]) || (kind.replacesOnChange?.(k, reveal(olds[k]), reveal(news[k])) ?? true)),
  );
  if (kind.dueForReplacement?.(reveal(olds) as Properties, reveal(news) as Properties)) replaces.push(RENEWAL_PROPERTY);
  return { changes: changed.length > 0 || replaces.length > 0, replaces, deleteBeforeReplace: false };
}

function refreshed(kind: ResourceKind, state: Properties): Properties {
  return kind.refresh ? { ...state, ...kind.refresh(reveal(state) as Properties) } : state;
}

function pick(props: Properties, keys: readonly string[]): Properties {
  return Object.fromEntries(keys.filter((k) => k in props).map((k) => [k, props[k]]));
}
