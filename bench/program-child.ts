/**
 * Runs one stack of the program under mocks and prints how long the program took and how many resources it
 * registered: `node bin/bench/program-child.js <stack>` with the harness' RunOptions as JSON on stdin.
 * One process per run: Node caches the program.
 */
import { type RunOptions, runProgram } from "../test/harness/program";

export interface ProgramMeasurement {
  readonly evaluationMs: number;
  readonly resources: number;
}

/** Standard input, read as a stream: a synchronous read of a pipe the parent has not written yet fails (EAGAIN). */
async function stdin(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

async function main(): Promise<void> {
  const stack = process.argv[2];
  if (!stack) throw new Error("usage: program-child <stack> < options.json");
  const options = JSON.parse(await stdin()) as RunOptions;
  const started = performance.now();
  const run = await runProgram(stack, options);
  const measurement: ProgramMeasurement = {
    evaluationMs: performance.now() - started,
    resources: run.resources.length,
  };
  // Written to a pipe, stdout is asynchronous: exit only once the parent has it all.
  await new Promise<void>((resolve) => process.stdout.write(JSON.stringify(measurement), () => resolve()));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
