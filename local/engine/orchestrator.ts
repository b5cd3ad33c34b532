import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { readStackFile } from "../../config/stack-file";
import type { EngineSettings } from "./workspace";
import type { Operation, StackResult, StackRunRequest } from "./stack-run";

export interface DeployOptions {
  readonly operation: Operation;
  /** Stacks as named: a global stack brings its regions; none means every global stack of the project. */
  readonly stacks: readonly string[];
  readonly settings: EngineSettings;
  /** Regional stacks run at once, at most this many. */
  readonly parallel: number;
  /** The policy pack's analyzer executable (preview and up), or none. */
  readonly policyPack?: string;
  /** Told as each stack starts and ends. */
  readonly progress?: (line: string) => void;
}

/** The order a deployment runs in: the regions (at once), then the global stacks; destroy the other way. */
export interface DeployPlan {
  readonly regions: readonly string[];
  readonly globals: readonly string[];
}

const STACK_FILE = /^Pulumi\.(.+)\.yaml$/;

/**
 * The stacks to run: those named, with the regions every named global stack lists in `regions` (as
 * org/project/stack, the name the backend knows them by), or every global stack of the project and its
 * regions when none is named. Regions run before the global tier, which reads their outputs.
 */
export function deployPlan(projectDir: string, named: readonly string[]): DeployPlan {
  const all = fs.readdirSync(projectDir).flatMap((f) => STACK_FILE.exec(f)?.[1] ?? []);
  const tierOf = (stack: string) => readStackFile(shortName(stack), projectDir).tier;
  for (const stack of named) {
    if (!all.includes(shortName(stack)))
      throw new Error(
        `no stack file Pulumi.${shortName(stack)}.yaml in ${projectDir}: '${stack}' is not a stack of this project`,
      );
  }
  const chosen = named.length > 0 ? named : all.filter((s) => tierOf(s) === "global");
  const globals = chosen.filter((s) => tierOf(s) === "global");
  const regions = new Set(chosen.filter((s) => tierOf(s) !== "global"));
  for (const global of globals) {
    for (const region of (readStackFile(shortName(global), projectDir).regions as string[] | undefined) ?? []) {
      if (![...regions].some((r) => shortName(r) === shortName(region))) regions.add(region);
    }
  }
  return { regions: [...regions], globals };
}

/** `acme/monitoring/us-east` is stack file Pulumi.us-east.yaml. */
function shortName(stack: string): string {
  return stack.split("/").pop()!;
}

/**
 * Runs the operation on every stack of the plan, each in a process of its own: the regions at once (at most
 * `parallel`), then the global stacks; destroy runs the global stacks first. A phase that fails leaves the
 * next one skipped, with the reason.
 */
export async function deploy(options: DeployOptions): Promise<StackResult[]> {
  const plan = deployPlan(options.settings.projectDir, options.stacks);
  const phases = options.operation === "destroy" ? [plan.globals, plan.regions] : [plan.regions, plan.globals];
  const results: StackResult[] = [];
  for (const phase of phases) {
    const failed = results.filter((r) => r.result !== "succeeded").map((r) => r.stack);
    if (failed.length > 0) {
      results.push(
        ...phase.map(
          (stack): StackResult => ({
            stack,
            operation: options.operation,
            result: "skipped",
            changes: {},
            seconds: 0,
            message: `not run: ${failed.join(", ")} did not succeed`,
          }),
        ),
      );
      continue;
    }
    results.push(...(await inParallel(phase, options.parallel, (stack) => runInChild(stack, options))));
  }
  return results;
}

async function inParallel<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await run(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** One stack's operation in a process of its own. */
export function runInChild(
  stack: string,
  options: Pick<DeployOptions, "operation" | "settings" | "policyPack" | "progress">,
): Promise<StackResult> {
  const request: StackRunRequest = {
    operation: options.operation,
    stack,
    settings: options.settings,
    policyPack: options.policyPack,
  };
  options.progress?.(`${stack}: ${options.operation} ...`);
  return new Promise((resolve) => {
    const child = fork(path.join(__dirname, "stack-run.js"), [], { stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let stderr = "";
    let result: StackResult | undefined;
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("message", (message: StackResult) => (result = message));
    child.on("exit", (code, signal) => {
      const done = result ?? {
        stack,
        operation: options.operation,
        result: "failed" as const,
        changes: {},
        seconds: 0,
        message: `the stack's process ended (${signal ?? `exit ${code}`}) before it reported: ${stderr.trim().split("\n").slice(-3).join(" ")}`,
      };
      options.progress?.(`${stack}: ${done.result} in ${done.seconds} s`);
      resolve(done);
    });
    child.send(request);
  });
}

/** One line per stack: its name, the result, what changed and how long it took; then why any failed. */
export function summaryTable(results: readonly StackResult[]): string {
  const rows = [
    ["stack", "result", "changes", "time"],
    ...results.map((r) => [r.stack, r.result, changesText(r.changes), `${r.seconds} s`]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const lines = rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join("  ")
      .trimEnd(),
  );
  const reasons = results.filter((r) => r.message).map((r) => `${r.stack}: ${r.message}`);
  return [...lines, ...(reasons.length > 0 ? ["", ...reasons] : [])].join("\n");
}

function changesText(changes: Readonly<Record<string, number>>): string {
  const entries = Object.entries(changes).filter(([, n]) => n > 0);
  return entries.length === 0 ? "-" : entries.map(([kind, n]) => `${n} ${kind}`).join(", ");
}
