import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, REPO_ROOT, readStackFile } from "../../config/stack-file";
import { CALL_RESULTS, COMPUTED_STATE } from "./mock-state";

/** One resource the program registered, as the engine (and a policy) would see its inputs. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly inputs: Record<string, any>;
  /** The resource's state as the mocks answered it: inputs plus computed outputs. */
  readonly state: Record<string, any>;
  readonly provider?: string;
  readonly parent?: string;
  /** URNs of the resources it waits for: its dependsOn and the resources its inputs come from. */
  readonly dependencies: readonly string[];
}

export interface ProgramRun {
  readonly stack: string;
  readonly resources: RecordedResource[];
  /** The stack's exports, resolved; secret values are included in the clear for inspection. */
  readonly outputs: Record<string, any>;
  /** Names of exports the program marked secret. */
  readonly secretOutputs: string[];
}

/** Outputs a StackReference answers, keyed by the referenced stack name (`org/project/stack`). */
export type StackReferenceOutputs = Record<string, { outputs: Record<string, any>; secretOutputNames?: string[] }>;

export interface RunOptions {
  /** Config beyond the stack file, as `pulumi config set` would add it (key without namespace). */
  readonly config?: Record<string, unknown>;
  /** Secret config, as `pulumi config set --secret` would add it. */
  readonly secrets?: Record<string, string>;
  /** Replaces the stack file's config entirely (for a stack file that does not exist, such as a third region). */
  readonly configOverride?: Record<string, unknown>;
  readonly stackReferences?: StackReferenceOutputs;
  readonly project?: string;
  readonly org?: string;
}

export { PROJECT, REPO_ROOT, readStackFile };

/**
 * Runs index.ts under Pulumi mocks for one stack and records every resource and export. Node caches the
 * program, so a process can run it once: each stack test file runs in its own mocha process.
 */
export async function runProgram(stack: string, options: RunOptions = {}): Promise<ProgramRun> {
  const resources: RecordedResource[] = [];
  return whileCollectingFailures(stack, resources, () => runRecorded(stack, options, resources));
}

/**
 * Why a run failed, as `pulumi up` would report it: the program's own error (a config error thrown while the
 * program loads, or an error thrown inside an `apply`), with the resources registered before it.
 */
export class ProgramFailure extends Error {
  constructor(
    readonly stack: string,
    /** Every distinct error the run raised, first one first. */
    readonly errors: readonly unknown[],
    readonly resources: readonly RecordedResource[],
  ) {
    super(errors.map(rootMessage).filter((m, i, all) => all.indexOf(m) === i).join("\n"));
    this.name = "ProgramFailure";
  }
}

/**
 * An error thrown inside an `apply` rejects every Output built from it; the resources whose inputs hold one
 * fail to register, and nothing awaits that registration: it surfaces as an unhandled rejection, which the
 * Pulumi language host turns into a failed run. Here the run collects them (mocha would otherwise blame
 * whichever test runs next) and fails with them.
 */
async function whileCollectingFailures(stack: string, resources: RecordedResource[], run: () => Promise<ProgramRun>): Promise<ProgramRun> {
  const errors: unknown[] = [];
  let failed: () => void = () => {};
  // Outputs of a resource that failed to register never settle (the engine would have ended the run), so
  // exports that depend on one would never resolve: the first failure ends the wait for them.
  const firstFailure = new Promise<undefined>((resolve) => (failed = () => resolve(undefined)));
  const collect = (reason: unknown) => {
    if (!errors.includes(reason)) errors.push(reason);
    failed();
  };
  const previous = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", collect);
  try {
    const exported = run().catch((err) => {
      collect(err);
      return undefined;
    });
    const result = await Promise.race([exported, firstFailure]);
    await settled(resources);
    if (errors.length > 0 || !result) throw new ProgramFailure(stack, errors, resources);
    return result;
  } finally {
    process.removeListener("unhandledRejection", collect);
    for (const listener of previous) process.on("unhandledRejection", listener as NodeJS.UnhandledRejectionListener);
  }
}

/** The message of an error without the property path Pulumi prefixes while serializing a resource's inputs. */
function rootMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^(error serializing property "[^"]*": )+/, "");
}

async function runRecorded(stack: string, options: RunOptions, resources: RecordedResource[]): Promise<ProgramRun> {
  const project = options.project ?? PROJECT;
  const org = options.org ?? "acme";
  const urnOf = (type: string, name: string) => `urn:pulumi:${stack}::${project}::${type}::${name}`;
  const requests = new Map<string, { parent?: string; dependencies: string[] }>();
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        if (args.type === "pulumi:pulumi:StackReference") {
          const ref = options.stackReferences?.[args.inputs.name];
          if (!ref) throw new Error(`mock: no outputs for stack reference '${args.inputs.name}'`);
          return {
            id: args.inputs.name,
            state: { ...args.inputs, outputs: ref.outputs, secretOutputNames: ref.secretOutputNames ?? [] },
          };
        }
        const state = withComputed(COMPUTED_STATE[args.type]?.(args.name, args.inputs) ?? {}, args.inputs);
        const request = requests.get(`${args.type}::${args.name}`);
        resources.push({
          type: args.type,
          name: args.name,
          urn: urnOf(args.type, args.name),
          inputs: args.inputs,
          state,
          provider: args.provider,
          ...(request?.parent ? { parent: request.parent } : {}),
          dependencies: request?.dependencies ?? [],
        });
        return { id: `${args.name}-id`, state };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        const answer = CALL_RESULTS[args.token];
        if (!answer) throw new Error(`mock: no answer for call ${args.token}`);
        return answer(args.inputs);
      },
    },
    project,
    stack,
    false,
    org,
  );
  recordRequests(requests, urnOf);
  const fileConfig = options.configOverride ?? readStackFile(stack);
  const all: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...fileConfig, ...(options.config ?? {}) })) {
    all[`${project}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(options.secrets ?? {})) {
    all[`${project}:${key}`] = value;
    secretKeys.push(`${project}:${key}`);
  }
  pulumi.runtime.setAllConfig(all, secretKeys);

  // The program's module exports are its stack outputs.
  const program = require(path.join(REPO_ROOT, "bin", "index.js"));
  const exportsResolved: Record<string, unknown> =
    typeof program.default === "function" ? await program.default() : program;
  const outputs: Record<string, any> = {};
  const secretOutputs: string[] = [];
  for (const [key, value] of Object.entries(exportsResolved)) {
    if (key === "default" || key === "__esModule") continue;
    const output = pulumi.output(value as any);
    outputs[key] = await promiseOf(output);
    if (await (output as any).isSecret) secretOutputs.push(key);
  }
  return { stack, resources, outputs, secretOutputs };
}

/**
 * The mocks' newResource sees neither parent nor dependencies; the registration request the SDK sends the
 * mocked monitor has both, as URNs that spell out the parent types (`...::<parent type>$<type>::<name>`),
 * recorded here in the shorter form the recorded resources carry.
 */
function recordRequests(into: Map<string, { parent?: string; dependencies: string[] }>, urnOf: (type: string, name: string) => string): void {
  const short = (urn: string) => {
    const [, , types, name] = urn.split("::");
    return urnOf(types.split("$").pop()!, name);
  };
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: unknown) => {
    const parent: string = req.getParent();
    into.set(`${req.getType()}::${req.getName()}`, { ...(parent ? { parent: short(parent) } : {}), dependencies: req.getDependenciesList().map(short) });
    return register(req, callback);
  };
}

/**
 * Waits until no resource has been registered for a while: components create some resources inside
 * `apply` (those placed into regional clusters), after the exports have resolved.
 */
async function settled(resources: readonly RecordedResource[], quietMs = 300, maxMs = 30_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let count = -1;
  while (count !== resources.length && Date.now() < deadline) {
    count = resources.length;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
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

/** The resolved value of an Output, secret or not; rejected with the error of a failed `apply`. */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    output.apply((v) => resolve(v));
    // The Output's own promise (not public API) is the only place its failure can be observed.
    (output as any).promise().catch(reject);
  });
}

/** Resources of one type token. */
export function ofType(run: ProgramRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}
