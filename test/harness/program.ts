import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, REPO_ROOT, readStackFile } from "../../config/stack-file";
import {
  type ExistingObjects,
  type MockedResource,
  type StackReferenceOutputs,
  installMocks,
  isSecret,
  resolved,
  settled,
} from "./mocks";

/** One resource the program registered. */
export type RecordedResource = MockedResource;

export interface ProgramRun {
  readonly stack: string;
  readonly resources: RecordedResource[];
  /** The stack's exports, resolved; secret values are included in the clear for inspection. */
  readonly outputs: Record<string, any>;
  /** Names of exports the program marked secret. */
  readonly secretOutputs: string[];
}

export interface RunOptions {
  /** Config beyond the stack file, as `pulumi config set` would add it (key without namespace). */
  readonly config?: Record<string, unknown>;
  /** Secret config, as `pulumi config set --secret` would add it. */
  readonly secrets?: Record<string, string>;
  /** Replaces the stack file's config entirely (for a stack file that does not exist, such as a third region). */
  readonly configOverride?: Record<string, unknown>;
  readonly stackReferences?: StackReferenceOutputs;
  /** Objects already in the clusters that the program reads (a team's Secrets). */
  readonly existing?: ExistingObjects;
  readonly project?: string;
  readonly org?: string;
}

export { PROJECT, REPO_ROOT, readStackFile };
export type { StackReferenceOutputs };

/**
 * Runs index.ts under Pulumi mocks for one stack and records every resource and export. Node caches the
 * program, so a process can run it once: each stack test file runs in its own mocha process.
 */
export async function runProgram(stack: string, options: RunOptions = {}): Promise<ProgramRun> {
  const resources = await installMocks({
    stack,
    project: options.project,
    org: options.org,
    stackReferences: options.stackReferences,
    existing: options.existing,
    strict: true,
  });
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
    super(
      errors
        .map(rootMessage)
        .filter((m, i, all) => all.indexOf(m) === i)
        .join("\n"),
    );
    this.name = "ProgramFailure";
  }
}

/**
 * An error thrown inside an `apply` rejects every Output built from it; the resources whose inputs hold one
 * fail to register, and nothing awaits that registration: it surfaces as an unhandled rejection, which the
 * Pulumi language host turns into a failed run. Here the run collects them (mocha would otherwise blame
 * whichever test runs next) and fails with them.
 */
async function whileCollectingFailures(
  stack: string,
  resources: readonly RecordedResource[],
  run: () => Promise<ProgramRun>,
): Promise<ProgramRun> {
  const errors: unknown[] = [];
  let failed: () => void = () => {};
  // Outputs of a resource that failed to register never settle (the engine would have ended the run), so
  // exports and registrations that depend on one would never resolve: the first failure ends the wait for them.
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
    // Components create some resources inside `apply` (those placed into regional clusters), after the
    // exports have resolved; after a failure the registrations waiting on the failed resource never end.
    await Promise.race([settled(), firstFailure]);
    // A registration that failed as the last ones settled is reported as an unhandled rejection once the
    // current microtasks have run: one turn of the event loop lets it reach `collect`.
    await new Promise((resolve) => setImmediate(resolve));
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

/** The stack's config as `pulumi config set` would leave it: the stack file (or its override), the additions, the secrets. */
export function setStackConfig(stack: string, options: RunOptions): void {
  const project = options.project ?? PROJECT;
  const values = { ...(options.configOverride ?? readStackFile(stack)), ...(options.config ?? {}) };
  const all: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) all[`${project}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  for (const [key, value] of Object.entries(options.secrets ?? {})) all[`${project}:${key}`] = value;
  pulumi.runtime.setAllConfig(
    all,
    Object.keys(options.secrets ?? {}).map((key) => `${project}:${key}`),
  );
}

async function runRecorded(stack: string, options: RunOptions, resources: RecordedResource[]): Promise<ProgramRun> {
  setStackConfig(stack, options);
  // The program exports a function whose result is the stack's outputs, as Pulumi's language host runs it.
  const program = require(path.join(REPO_ROOT, "bin", "index.js"));
  const run = typeof program === "function" ? program : program.default;
  const exportsResolved: Record<string, unknown> = typeof run === "function" ? await run() : program;
  const outputs: Record<string, any> = {};
  const secretOutputs: string[] = [];
  for (const [key, value] of Object.entries(exportsResolved)) {
    if (key === "default" || key === "__esModule") continue;
    const output = pulumi.output(value as any);
    outputs[key] = await resolved(output);
    if (await isSecret(output)) secretOutputs.push(key);
  }
  return { stack, resources, outputs, secretOutputs };
}
