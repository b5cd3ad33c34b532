/**
 * Runs the program the way `pulumi preview` does, through the Node.js language host's own entry
 * (`@pulumi/pulumi/cmd/run`, which prints what the program throws), with mocks in place of the engine:
 *   node bin/test/harness/cli-run.js <stack>      (RunOptions as JSON on standard input)
 * Standard error gets what the language host prints, through the same code path the CLI's diagnostics come
 * from; standard output gets, at exit, the types of the resources that reached the mocks, as JSON.
 * Without an engine, the host's log.error prints `error: [runtime] <message>` where the CLI shows
 * `error: <message>` under the stack's diagnostics.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { CALL_RESULTS, COMPUTED_STATE } from "./mock-state";
import { PROJECT, REPO_ROOT, RunOptions, readStackFile, withComputed } from "./program";

async function main(): Promise<void> {
  const stack = process.argv[2];
  const options: RunOptions = JSON.parse(fs.readFileSync(0, "utf8") || "{}");
  const registered: string[] = [];
  process.on("exit", () => fs.writeSync(1, JSON.stringify({ registered })));
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push(args.type);
        if (args.type === "pulumi:pulumi:StackReference") {
          const ref = options.stackReferences?.[args.inputs.name];
          return { id: args.inputs.name, state: { ...args.inputs, outputs: ref?.outputs ?? {}, secretOutputNames: ref?.secretOutputNames ?? [] } };
        }
        return { id: `${args.name}-id`, state: withComputed(COMPUTED_STATE[args.type]?.(args.name, args.inputs) ?? {}, args.inputs) };
      },
      call: (args) => CALL_RESULTS[args.token]?.(args.inputs) ?? {},
    },
    PROJECT,
    stack,
    true,
    options.org ?? "acme",
  );
  const values = { ...(options.configOverride ?? readStackFile(stack)), ...(options.config ?? {}) };
  const all: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) all[`${PROJECT}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  for (const [key, value] of Object.entries(options.secrets ?? {})) all[`${PROJECT}:${key}`] = value;
  pulumi.runtime.setAllConfig(all, Object.keys(options.secrets ?? {}).map((key) => `${PROJECT}:${key}`));

  // The language host's command line: the engine's address (the mocks answer instead) and the program.
  // Requiring the entry runs it, as `node .../cmd/run <flags> <program>` does under the CLI.
  process.argv = [process.argv[0], require.resolve("@pulumi/pulumi/cmd/run"), "--monitor=mocks", `--stack=${stack}`, "--dry-run", path.join(REPO_ROOT, "bin", "index.js")];
  require("@pulumi/pulumi/cmd/run");
}

main().catch((err) => {
  process.stderr.write(`harness: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 2;
});
