/**
 * One operation on one stack, in a process of its own (the orchestrator forks one per stack): the program
 * runs inline in this process, and Pulumi's Node runtime keeps its state per process, so stacks that run at
 * once each need theirs. Reports one StackResult to the parent.
 */
import * as path from "node:path";
import type * as automation from "@pulumi/pulumi/automation";
import { type EngineSettings, engineMessage, openStack } from "./workspace";

export const OPERATIONS = ["preview", "up", "refresh", "destroy"] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface StackRunRequest {
  readonly operation: Operation;
  readonly stack: string;
  readonly settings: EngineSettings;
  /** The policy pack's analyzer executable, for preview and up. */
  readonly policyPack?: string;
}

export interface StackResult {
  readonly stack: string;
  readonly operation: Operation;
  readonly result: "succeeded" | "failed" | "skipped";
  /** Resources by what the operation did or would do to them (create, update, replace, delete, same). */
  readonly changes: Readonly<Record<string, number>>;
  readonly seconds: number;
  /** Why it failed or was skipped: the engine's own sentences. */
  readonly message?: string;
  /** What was or would be replaced, as `type::name`. */
  readonly replaced?: readonly string[];
}

/** The compiled program (index.ts): a function whose result is the stack's outputs. */
const PROGRAM = path.resolve(__dirname, "../../index.js");

export async function runStack(request: StackRunRequest): Promise<StackResult> {
  const started = Date.now();
  const output: string[] = [];
  const replaced = new Set<string>();
  const events: Events = {
    onOutput: (text) => output.push(text),
    onEvent: (event) => {
      const step = event.resourcePreEvent?.metadata;
      if (step && REPLACING.includes(step.op)) replaced.add(step.urn.split("::").slice(-2).join("::"));
    },
  };
  const done = (result: StackResult["result"], changes: Record<string, number>, message?: string): StackResult => ({
    stack: request.stack,
    operation: request.operation,
    result,
    changes,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    ...(message ? { message } : {}),
    ...(replaced.size > 0 ? { replaced: [...replaced].sort() } : {}),
  });
  try {
    // Pulumi runs a program in its project directory; the config's team files are read relative to it.
    process.chdir(request.settings.projectDir);
    const stack = await openStack(request.stack, request.settings, () =>
      (require(PROGRAM) as () => Promise<Record<string, unknown>>)(),
    );
    return done("succeeded", await operate(stack, request, events));
  } catch (err) {
    return done("failed", {}, engineMessage(err, output.join("")));
  }
}

interface Events {
  readonly onOutput: (text: string) => void;
  readonly onEvent: (event: automation.EngineEvent) => void;
}

/** The engine's steps that replace a resource (create the new one, delete the old one, or both at once). */
const REPLACING: readonly string[] = ["replace", "create-replacement", "delete-replaced"];

async function operate(
  stack: automation.Stack,
  request: StackRunRequest,
  events: Events,
): Promise<Record<string, number>> {
  const policyPacks = request.policyPack ? [request.policyPack] : undefined;
  switch (request.operation) {
    case "preview":
      return { ...(await stack.preview({ ...events, policyPacks })).changeSummary };
    case "up":
      return { ...(await stack.up({ ...events, policyPacks })).summary.resourceChanges };
    case "refresh":
      return { ...(await stack.refresh(events)).summary.resourceChanges };
    case "destroy":
      return { ...(await stack.destroy(events)).summary.resourceChanges };
  }
}

if (require.main === module) {
  process.once("message", (request: StackRunRequest) => {
    void runStack(request).then((result) => {
      process.send!(result, () => process.exit(0));
    });
  });
}
