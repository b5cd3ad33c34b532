/**
 * Runs the program the way `pulumi preview` does, through the Node.js language host's own entry
 * (`@pulumi/pulumi/cmd/run`, which prints what the program throws), with mocks in place of the engine:
 *   node bin/test/harness/cli-run.js <stack>      (RunOptions as JSON on standard input)
 * Standard error gets what the language host prints, through the same code path the CLI's diagnostics come
 * from; standard output gets, at exit, the types of the resources that reached the mocks, as JSON.
 * Without an engine, the host's log.error prints `error: [runtime] <message>` where the CLI shows
 * `error: <message>` under the stack's diagnostics.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { installMocks } from "./mocks";
import { REPO_ROOT, type RunOptions, setStackConfig } from "./program";

async function main(): Promise<void> {
  const stack = process.argv[2];
  const options: RunOptions = JSON.parse(fs.readFileSync(0, "utf8") || "{}");
  const resources = await installMocks({
    stack,
    project: options.project,
    org: options.org,
    preview: true,
    stackReferences: options.stackReferences,
  });
  process.on("exit", () => fs.writeSync(1, JSON.stringify({ registered: resources.map((r) => r.type) })));
  setStackConfig(stack, options);

  // The language host's command line: the engine's address (the mocks answer instead) and the program.
  // Requiring the entry runs it, as `node .../cmd/run <flags> <program>` does under the CLI.
  process.argv = [
    process.argv[0],
    require.resolve("@pulumi/pulumi/cmd/run"),
    "--monitor=mocks",
    `--stack=${stack}`,
    "--dry-run",
    path.join(REPO_ROOT, "bin", "index.js"),
  ];
  require("@pulumi/pulumi/cmd/run");
}

main().catch((err) => {
  process.stderr.write(`harness: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 2;
});
