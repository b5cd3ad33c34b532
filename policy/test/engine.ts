/**
 * Builds the arguments the Pulumi engine hands a policy (policy-pack server of @pulumi/policy 1.21) and runs
 * a policy the way the engine does, without the CLI or a PolicyPack (whose constructor starts a server):
 * props behind the unknown-checking proxy, `notApplicable()` that ends the policy, `stackTags`, per-policy
 * config, and for stack policies resources linked to their parent, provider and dependencies.
 */
import type {
  Policy,
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

const { unknownCheckingProxy, UnknownValueError } = require("@pulumi/policy") as {
  unknownCheckingProxy<T>(value: T): T;
  UnknownValueError: new (...args: any[]) => Error;
};
// The sentinels the engine's deserializer puts where a value is unknown during preview.
const sentinels = require("@pulumi/policy/proxy") as {
  unknownStringValue: string;
  unknownArrayValue: string;
  unknownObjectValue: string;
};

/** A string input that is unknown during preview (an id or ARN of a resource not created yet). */
export const UNKNOWN_STRING: any = sentinels.unknownStringValue;
export const UNKNOWN_ARRAY: any = sentinels.unknownArrayValue;
export const UNKNOWN_OBJECT: any = sentinels.unknownObjectValue;

/** A resource as a test describes it; URNs default from the type and name. */
export interface FakeResource {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, any>;
  readonly urn?: string;
  /** URN of the provider resource (a Kubernetes provider per cluster). */
  readonly provider?: string;
  readonly parent?: string;
  readonly dependencies?: readonly string[];
  /** Property name to the URNs of the resources its value came from. */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export function urnOf(resource: FakeResource): string {
  return resource.urn ?? `urn:pulumi:test::monitoring::${resource.type}::${resource.name}`;
}

class NotApplicable extends Error {}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

function options(resource: FakeResource): PolicyResourceOptions {
  return {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(resource.parent ? { parent: resource.parent } : {}),
  };
}

function providerOf(resource: FakeResource): PolicyProviderResource | undefined {
  if (!resource.provider) return undefined;
  const parts = resource.provider.split("::");
  return {
    type: parts[parts.length - 2] ?? "",
    name: parts[parts.length - 1] ?? "",
    urn: resource.provider,
    props: {},
  };
}

function typeCheck(type: string) {
  return (resourceClass: any) => resourceClass?.__pulumiType === type;
}

const STACK_TAGS: ReadonlyMap<string, string> = new Map([["pulumi:project", "monitoring"]]);

/** What the engine says of any resource: identity, props behind the unknown-value proxy, options, provider. */
function described(resource: FakeResource) {
  const props = unknownCheckingProxy(resource.props);
  const provider = providerOf(resource);
  const isType = typeCheck(resource.type);
  return {
    type: resource.type,
    props,
    urn: urnOf(resource),
    name: resource.name,
    opts: options(resource),
    ...(provider ? { provider } : {}),
    isType,
    asType: ((resourceClass: any) => (isType(resourceClass) ? props : undefined)) as any,
  };
}

export function resourceArgs(resource: FakeResource, config: object = {}): ResourceValidationArgs {
  return {
    ...described(resource),
    stackTags: STACK_TAGS,
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
}

export function stackArgs(resources: readonly FakeResource[], config: object = {}): StackValidationArgs {
  const byUrn = new Map<string, PolicyResource>();
  const built = resources.map((resource) => {
    const policyResource: PolicyResource = { ...described(resource), dependencies: [], propertyDependencies: {} };
    byUrn.set(policyResource.urn, policyResource);
    return policyResource;
  });
  // As the engine does: parents and dependencies become references to the resource objects themselves.
  const resolve = (urns: readonly string[] = []) =>
    urns.map((urn) => byUrn.get(urn)).filter((r): r is PolicyResource => r !== undefined);
  resources.forEach((resource, i) => {
    const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
    if (parent) built[i].parent = parent;
    built[i].dependencies = resolve(resource.dependencies);
    for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {}))
      built[i].propertyDependencies[property] = resolve(urns);
  });
  return { resources: built, stackTags: STACK_TAGS, getConfig: <T extends object>() => config as T, notApplicable };
}

export interface Violation {
  readonly message: string;
  readonly urn?: string;
}

export interface Outcome {
  readonly violations: Violation[];
  /** URNs (resource policies) or "stack" for which the policy declared itself not applicable. */
  readonly notApplicable: string[];
  /** What the engine would report as "can't run during preview" (an unknown value escaped the policy). */
  readonly previewSkipped: string[];
}

export function isStackPolicy(policy: Policy): policy is StackValidationPolicy {
  return typeof (policy as StackValidationPolicy).validateStack === "function";
}

/** Runs one policy over resources: a resource policy on each of them, a stack policy once on all. */
export async function runPolicy(
  policy: Policy,
  resources: readonly FakeResource[],
  config: object = {},
): Promise<Outcome> {
  const outcome: Outcome = { violations: [], notApplicable: [], previewSkipped: [] };
  const attempt = async (subject: string, run: (report: ReportViolation) => unknown) => {
    const report: ReportViolation = (message, urn) =>
      outcome.violations.push({ message, urn: urn ?? (subject === "stack" ? undefined : subject) });
    try {
      await run(report);
    } catch (err) {
      if (err instanceof NotApplicable) outcome.notApplicable.push(subject);
      else if (err instanceof UnknownValueError) outcome.previewSkipped.push(`${subject}: ${err.message}`);
      else throw err;
    }
  };
  if (isStackPolicy(policy)) {
    await attempt("stack", (report) => policy.validateStack(stackArgs(resources, config), report));
    return outcome;
  }
  const validations = [(policy as ResourceValidationPolicy).validateResource ?? []].flat();
  for (const resource of resources) {
    for (const validate of validations)
      await attempt(urnOf(resource), (report) => validate(resourceArgs(resource, config), report));
  }
  return outcome;
}
