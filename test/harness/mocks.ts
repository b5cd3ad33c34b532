/**
 * The one mocked Pulumi engine of the tests: every test that runs the program or a component installs it
 * here. It answers computed fields (./mock-state.ts) and StackReferences, records every resource the way
 * the engine would see it (inputs, state, provider, parent, dependencies), and tells when the program's
 * registrations have all been answered.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../../config/stack-file";
import { CALL_RESULTS, COMPUTED_STATE } from "./mock-state";

/** One resource the program registered, as the engine (and a policy) would see it. */
export interface MockedResource {
  readonly type: string;
  readonly name: string;
  /** `urn:pulumi:<stack>::<project>::<type>::<name>`: the type without its parents' types. */
  readonly urn: string;
  /** A custom resource (a cloud or Kubernetes object, a provider), not a component. */
  readonly custom: boolean;
  /** An object the program read from the cloud or cluster (`Secret.get`): its id; absent for what the program manages. */
  readonly readId?: string;
  /** As the engine received them: a secret value in Pulumi's wire form (see `revealed`). */
  readonly inputs: Record<string, any>;
  /** The resource's state as the mocks answered it: inputs plus computed outputs. */
  readonly state: Record<string, any>;
  readonly provider?: string;
  readonly parent?: string;
  /** URNs of the resources it waits for: its dependsOn and the resources its inputs come from. */
  readonly dependencies: readonly string[];
}

/**
 * Objects that exist before the program runs and that it reads (`k8s.core.v1.Secret.get(name, "<ns>/<name>")`):
 * their state by type token, then by id.
 */
export type ExistingObjects = Record<string, Record<string, Record<string, any>>>;

/** Outputs a StackReference answers, keyed by the referenced stack name (`org/project/stack`). */
export type StackReferenceOutputs = Record<string, { outputs: Record<string, any>; secretOutputNames?: string[] }>;

export interface MockOptions {
  readonly stack: string;
  readonly project?: string;
  readonly org?: string;
  /** `pulumi preview` rather than `pulumi up`. */
  readonly preview?: boolean;
  readonly stackReferences?: StackReferenceOutputs;
  readonly existing?: ExistingObjects;
  /**
   * A provider function or StackReference the mocks cannot answer fails the registration, as a missing
   * cloud answer would; otherwise it gets an empty answer.
   */
  readonly strict?: boolean;
}

const STACK_REFERENCE = "pulumi:pulumi:StackReference";

/**
 * Installs the mocks for one stack. Every resource registered afterwards is appended to `resources`
 * (returned), in registration order; StackReferences are reads of other stacks, not recorded.
 */
export async function installMocks(options: MockOptions, resources: MockedResource[] = []): Promise<MockedResource[]> {
  const project = options.project ?? PROJECT;
  const urnOf = (type: string, name: string) => `urn:pulumi:${options.stack}::${project}::${type}::${name}`;
  const requests = new Map<string, { parent?: string; dependencies: string[] }>();
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        if (args.type === STACK_REFERENCE) {
          const ref = options.stackReferences?.[args.inputs.name];
          if (!ref && options.strict) throw new Error(`mock: no outputs for stack reference '${args.inputs.name}'`);
          return {
            id: args.inputs.name,
            state: { ...args.inputs, outputs: ref?.outputs ?? {}, secretOutputNames: ref?.secretOutputNames ?? [] },
          };
        }
        // A read (`get`) carries the object's id; the object must exist, as `pulumi preview` reads it.
        const readId = args.id ? args.id : undefined;
        const existing = readId !== undefined ? options.existing?.[args.type]?.[readId] : undefined;
        if (readId !== undefined && !existing && options.strict)
          throw new Error(`mock: there is no ${args.type} '${readId}' to read`);
        const state = existing
          ? { ...existing }
          : withComputed(COMPUTED_STATE[args.type]?.(args.name, args.inputs) ?? {}, args.inputs);
        const request = requests.get(`${args.type}::${args.name}`);
        resources.push({
          type: args.type,
          name: args.name,
          urn: urnOf(args.type, args.name),
          ...(readId !== undefined ? { readId } : {}),
          custom: args.custom ?? true,
          inputs: args.inputs,
          state,
          provider: args.provider,
          ...(request?.parent ? { parent: request.parent } : {}),
          dependencies: request?.dependencies ?? [],
        });
        return { id: readId ?? `${args.name}-id`, state };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        const answer = CALL_RESULTS[args.token];
        if (!answer && options.strict) throw new Error(`mock: no answer for call ${args.token}`);
        return answer?.(args.inputs) ?? {};
      },
    },
    project,
    options.stack,
    options.preview ?? false,
    options.org ?? "acme",
  );
  recordRequests(requests, urnOf);
  return resources;
}

/**
 * Resolves once every registration and call the program started has been answered, including those
 * started inside an `apply` after the exports resolved: pulumi.runtime's queue of pending RPCs (each counted
 * from the moment its resource is constructed), which the language host drains before it ends a run.
 * `waitForRPCs` is internal to the SDK, whose version package.json pins exactly.
 */
export function settled(): Promise<void> {
  return (pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs();
}

/**
 * The mocks' newResource sees neither parent nor dependencies; the registration request the SDK sends the
 * mocked monitor has both, as URNs that spell out the parent types (`...::<parent type>$<type>::<name>`),
 * recorded here in the shorter form the recorded resources carry.
 */
function recordRequests(
  into: Map<string, { parent?: string; dependencies: string[] }>,
  urnOf: (type: string, name: string) => string,
): void {
  const short = (urn: string) => {
    const [, , types, name] = urn.split("::");
    return urnOf(types.split("$").pop()!, name);
  };
  const monitor = pulumi.runtime.getMonitor() as any;
  // Registrations and reads (`get`) alike carry their parent and dependencies.
  for (const method of ["registerResource", "readResource"] as const) {
    const send = monitor[method].bind(monitor);
    monitor[method] = (req: any, callback: unknown) => {
      const parent: string = req.getParent();
      into.set(`${req.getType()}::${req.getName()}`, {
        ...(parent ? { parent: short(parent) } : {}),
        dependencies: req.getDependenciesList().map(short),
      });
      return send(req, callback);
    };
  }
}

/**
 * Inputs plus what the cloud computes, merged one level deep: a computed field nested in an input object
 * (EKS `vpcConfig.clusterSecurityGroupId`) survives beside the fields the program set.
 */
function withComputed(computed: Record<string, any>, inputs: Record<string, any>): Record<string, any> {
  const state: Record<string, any> = { ...computed, ...inputs };
  for (const [key, value] of Object.entries(computed)) {
    const given = inputs[key];
    if (given === undefined) state[key] = value;
    else if (isPlainObject(value) && isPlainObject(given)) state[key] = { ...value, ...given };
  }
  return state;
}

function isPlainObject(value: unknown): value is Record<string, any> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The key Pulumi marks a secret value with on the wire. */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";

/** An input as the engine received it: `{ secret, value }` tells whether the program marked it secret. */
export function unwrapSecret(input: any): { secret: boolean; value: any } {
  return isPlainObject(input) && SECRET_SIGNATURE in input
    ? { secret: true, value: input.value }
    : { secret: false, value: input };
}

/** A value as the engine stores it once decrypted: every secret wrapper replaced by its value. */
export function revealed<T = any>(value: unknown): T {
  if (Array.isArray(value)) return value.map(revealed) as T;
  if (isPlainObject(value)) {
    if (SECRET_SIGNATURE in value) return revealed(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealed(v)])) as T;
  }
  return value as T;
}

/** Whether any of a resource's inputs reached the engine as a Pulumi secret. */
export function hasSecretInput(resource: MockedResource): boolean {
  return JSON.stringify(resource.inputs).includes(SECRET_SIGNATURE);
}

/** Resources of one type token. */
export function ofType<R extends MockedResource>(resources: readonly R[], type: string): R[] {
  return resources.filter((r) => r.type === type);
}

/** The one resource of a type. */
export function one<R extends MockedResource>(resources: readonly R[], type: string): R {
  const found = ofType(resources, type);
  if (found.length !== 1)
    throw new Error(`expected one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
  return found[0];
}

/** The one resource of a type with the given Pulumi name. */
export function named<R extends MockedResource>(resources: readonly R[], type: string, name: string): R {
  const found = ofType(resources, type).filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named '${name}', found ${found.length}`);
  return found[0];
}

/** The first Kubernetes object of a type with the given `metadata.name` (several clusters may each have one). */
export function k8sNamed<R extends MockedResource>(resources: readonly R[], type: string, name: string): R {
  const found = ofType(resources, type).find((r) => r.inputs.metadata?.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
}

/** Whether `resource` waits for a resource of `type` (named `name`, when given). */
export function waitsFor(resource: MockedResource, type: string, name?: string): boolean {
  return resource.dependencies.some((urn) => {
    const [, , depType, depName] = urn.split("::");
    return depType === type && (name === undefined || depName === name);
  });
}

/** The resolved value of an Output, secret or not; rejected with the error of a failed `apply`. */
export function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    output.apply((v) => resolve(v));
    // The Output's own promise (not public API) is the only place its failure can be observed.
    (output as any).promise().catch(reject);
  });
}

/** Whether an Output is secret. */
export function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
  return (output as any).isSecret as Promise<boolean>;
}
