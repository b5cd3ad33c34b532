import * as pulumi from "@pulumi/pulumi";
import { rawConfigOf, readStackFile } from "../../config/stack-file";
import { CALL_RESULTS, COMPUTED_STATE } from "../harness/mock-state";
import { BaseStackConfig, StackConfig, loadStackConfig } from "../../config";

/** One resource the cloud components registered, as the mocked engine saw it. */
export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: Record<string, any>;
  readonly state: Record<string, any>;
  readonly provider?: string;
  /** `<type>::<name>` of every resource this one waits for (dependsOn, and the resources its inputs come from). */
  readonly dependencies: readonly string[];
}

/**
 * Installs Pulumi mocks in a `before` hook (so test files share one mocha process) that answer computed
 * fields from test/harness/mock-state.ts and record every registration. Nested computed objects are merged
 * into the inputs' objects, so a computed field inside an input block (EKS `vpcConfig.clusterSecurityGroupId`)
 * reaches the component.
 */
export function useCloudMocks(stack: string): Registered[] {
  const registered: Registered[] = [];
  const dependenciesByResource = new Map<string, string[]>();
  before(async () => {
    registered.length = 0;
    await pulumi.runtime.setMocks(
      {
        newResource(args: pulumi.runtime.MockResourceArgs) {
          const computed = COMPUTED_STATE[args.type]?.(args.name, args.inputs) ?? {};
          const state: Record<string, any> = { ...computed, ...args.inputs };
          for (const [key, value] of Object.entries(computed)) {
            const input = args.inputs[key];
            if (input === undefined) state[key] = value;
            else if (isPlainObject(input) && isPlainObject(value)) state[key] = { ...value, ...input };
          }
          const dependencies = dependenciesByResource.get(`${args.type}::${args.name}`) ?? [];
          registered.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs, state, provider: args.provider, dependencies });
          return { id: `${args.name}-id`, state };
        },
        call(args: pulumi.runtime.MockCallArgs) {
          const answer = CALL_RESULTS[args.token];
          if (!answer) throw new Error(`mock: no answer for call ${args.token}`);
          return answer(args.inputs);
        },
      },
      "monitoring",
      stack,
      false,
      "acme",
    );
    recordDependencies(dependenciesByResource);
  });
  return registered;
}

/**
 * The mocks' newResource sees no dependencies, but the registration request the SDK sends the (mocked)
 * monitor lists them all, as URNs (`urn:pulumi:<stack>::<project>::<parent types$><type>::<name>`).
 */
function recordDependencies(into: Map<string, string[]>): void {
  into.clear();
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: unknown) => {
    const urns: string[] = req.getDependenciesList();
    into.set(`${req.getType()}::${req.getName()}`, urns.map((urn) => {
      const [, , types, name] = urn.split("::");
      return `${types.split("$").pop()}::${name}`;
    }));
    return register(req, callback);
  };
}

/** Whether `resource` waits for a resource of `type` (named `name`, when given). */
export function waitsFor(resource: Registered, type: string, name?: string): boolean {
  return resource.dependencies.some((d) => (name === undefined ? d.startsWith(`${type}::`) : d === `${type}::${name}`));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A stack's validated config from its stack file, with keys overridden as `pulumi config set` would. */
export function stackConfig(stack: string, overrides: Record<string, unknown> = {}): StackConfig {
  const raw = { ...readStackFile(stack), ...overrides };
  return loadStackConfig(stack, rawConfigOf(raw));
}

/** Resolves once registrations have stopped arriving: every output the components chain has settled. */
export async function settled(registered: Registered[]): Promise<void> {
  let quietRounds = 0;
  let last = -1;
  while (quietRounds < 5) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    quietRounds = registered.length === last ? quietRounds + 1 : 0;
    last = registered.length;
  }
}

export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

export async function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
  return (output as any).isSecret as Promise<boolean>;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** An input as the engine received it: `{ secret, value }` when the program marked it secret. */
export function unwrapSecret(input: any): { secret: boolean; value: any } {
  return isPlainObject(input) && SECRET_SIG in input ? { secret: true, value: input.value } : { secret: false, value: input };
}

export function ofType(registered: Registered[], type: string): Registered[] {
  return registered.filter((r) => r.type === type);
}

export function one(registered: Registered[], type: string): Registered {
  const found = ofType(registered, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
  return found[0];
}

/** Custom resources (not components, not providers) whose provider is missing or a default one. */
export function onDefaultProviders(registered: Registered[]): Registered[] {
  return registered.filter(
    (r) => r.custom && !r.type.startsWith("pulumi:providers:") && (!r.provider || /::pulumi:providers:[^:]+::default/.test(r.provider)),
  );
}

export type { BaseStackConfig };
