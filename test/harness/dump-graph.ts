/**
 * Runs one stack's program under mocks and writes its resource graph and outputs as JSON:
 *   node bin/test/harness/dump-graph.js <stack> [<outfile> | -]
 * With `-` as the outfile, run options (RunOptions as JSON) are read from standard input and the result is
 * written to standard output (with `regions`, the program's own global stack over its regions, each run with
 * the run options of the file, relative to the repository, given for it); otherwise the stack runs as the program's own stack file (ownStackOptions).
 * The policy pack's tests use it to check the program's own stacks.
 */
import * as fs from "node:fs";
import { type RunOptions, runProgram } from "./program";
import { ownStackOptions, runOptionsFiles } from "./stacks";

async function main(): Promise<void> {
  const [stack, outfile] = process.argv.slice(2);
  if (!stack) throw new Error("usage: dump-graph <stack> [<outfile> | -]");
  // `regions`: the global stack over its own regions, each run with the run options of the file given for it.
  const given: RunOptions & { regions?: Record<string, string> } =
    outfile === "-" ? JSON.parse(fs.readFileSync(0, "utf8") || "{}") : {};
  const { regions, ...rest } = given;
  const options: RunOptions =
    outfile !== "-" || regions ? { ...ownStackOptions(stack, runOptionsFiles(regions ?? {})), ...rest } : rest;
  const run = await runProgram(stack, options);
  const json = JSON.stringify(run, null, outfile === "-" ? 0 : 2);
  // Waits for the write: to a pipe it completes asynchronously, and process.exit would cut the JSON short.
  if (!outfile || outfile === "-")
    await new Promise<void>((resolve, reject) => process.stdout.write(json, (err) => (err ? reject(err) : resolve())));
  else fs.writeFileSync(outfile, json);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
