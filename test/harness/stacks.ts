import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type ProgramRun, REPO_ROOT, type RunOptions, type StackReferenceOutputs, readStackFile } from "./program";

/** What `pulumi config set --secret` would have stored for the program's own stacks in a user's setup. */
export const TEST_SECRETS: Record<string, Record<string, string>> = {
  global: {
    pagerdutyRoutingKey: "R0UTINGKEY0000000000000000000000",
    slackWebhookUrl: "https://hooks.slack.com/services/T000/B000/XXXXXXXX",
    heartbeatUrl: "https://hc-ping.example.com/00000000-0000-0000-0000-000000000000",
    grafanaClientSecret: "oauth-client-secret-0000000000000000",
  },
};

/**
 * Runs a stack's program in a child process (Node caches the program, so each stack needs its own) and
 * returns what it recorded.
 */
export function runStackInChild(stack: string, options: RunOptions = {}): ProgramRun {
  const script = path.join(REPO_ROOT, "bin", "test", "harness", "dump-graph.js");
  const json = execFileSync(process.execPath, [script, stack, "-"], {
    cwd: REPO_ROOT,
    input: JSON.stringify(options),
    maxBuffer: 512 * 1024 * 1024,
    encoding: "utf8",
  });
  return JSON.parse(json) as ProgramRun;
}

/** StackReference answers for the given `org/project/stack` references, from running each regional stack's own program. */
export function regionalReferences(
  references: readonly string[],
  overrides: Record<string, RunOptions> = {},
): StackReferenceOutputs {
  const answers: StackReferenceOutputs = {};
  for (const reference of references) {
    const stack = reference.split("/")[2];
    const run = runStackInChild(stack, overrides[stack] ?? {});
    answers[reference] = { outputs: run.outputs, secretOutputNames: run.secretOutputs };
  }
  return answers;
}

/**
 * The options that run one of the program's own stack files as a user would: with its secrets set and,
 * for the global stack, with the outputs of the regional stacks it lists, each run with `regions`' options
 * where given (a region in remote-write mode).
 */
export function ownStackOptions(stack: string, regions: Record<string, RunOptions> = {}): RunOptions {
  const config = readStackFile(stack);
  const secrets = TEST_SECRETS[stack];
  if (config.tier !== "global") return { secrets };
  return { secrets, stackReferences: regionalReferences(config.regions as string[], regions) };
}

/** Run options by stack, each read from its JSON file (relative to the repository). */
export function runOptionsFiles(files: Readonly<Record<string, string>>): Record<string, RunOptions> {
  return Object.fromEntries(
    Object.entries(files).map(([stack, file]) => [
      stack,
      JSON.parse(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")) as RunOptions,
    ]),
  );
}
