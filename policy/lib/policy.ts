import type {
  PolicyConfigSchema,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { policyConfig } from "./config";
import { known } from "./known";

export interface PropertyPolicySpec<C extends object> {
  readonly name: string;
  readonly description: string;
  /** Type tokens the policy judges; it is not applicable to any other. */
  readonly types: readonly string[];
  readonly configSchema?: PolicyConfigSchema;
  /**
   * What is wrong with one resource's inputs: a message per violation, none when it complies. A value unknown
   * during preview skips the judgement (see lib/known.ts).
   */
  readonly violations: (props: any, config: C, args: ResourceValidationArgs) => string | readonly string[] | undefined;
}

/** A mandatory policy that judges each resource of some types on its own inputs. */
export function propertyPolicy<C extends object = object>(spec: PropertyPolicySpec<C>): ResourceValidationPolicy {
  return {
    name: spec.name,
    description: spec.description,
    enforcementLevel: "mandatory",
    ...(spec.configSchema ? { configSchema: spec.configSchema } : {}),
    validateResource: (args, reportViolation) => {
      if (!spec.types.includes(args.type)) args.notApplicable(`applies to ${spec.types.join(", ")} only`);
      const config = spec.configSchema ? policyConfig<C>(spec.configSchema, args) : ({} as C);
      const found = known(() => spec.violations(args.props, config, args));
      if (typeof found === "string") reportViolation(found);
      else if (Array.isArray(found)) for (const message of found) reportViolation(message);
    },
  };
}

export interface StackViolation {
  readonly message: string;
  /** The resource at fault; none for the stack as a whole. */
  readonly urn?: string;
}

export interface StackPolicySpec<C extends object> {
  readonly name: string;
  readonly description: string;
  readonly configSchema?: PolicyConfigSchema;
  /** What is wrong across the stack's resources (their outputs as planned). */
  readonly violations: (resources: readonly PolicyResource[], config: C) => readonly StackViolation[];
}

/** A mandatory policy that judges resources together: one resource's settings live on another, or a limit spans many. */
export function stackPolicy<C extends object = object>(spec: StackPolicySpec<C>): StackValidationPolicy {
  return {
    name: spec.name,
    description: spec.description,
    enforcementLevel: "mandatory",
    ...(spec.configSchema ? { configSchema: spec.configSchema } : {}),
    validateStack: (args, reportViolation) => {
      const config = spec.configSchema ? policyConfig<C>(spec.configSchema, args) : ({} as C);
      for (const { message, urn } of spec.violations(args.resources, config)) reportViolation(message, urn);
    },
  };
}
