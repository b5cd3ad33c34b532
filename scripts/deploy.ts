/**
 * `npm run deploy -- <preview|up|refresh|destroy> [stack...]`: see HELP.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findDeployingPulumi } from "../local/binaries";
import { localPluginEnv } from "../local/engine/local-plugins";
import { deploy, summaryTable } from "../local/engine/orchestrator";
import { OPERATIONS, type Operation } from "../local/engine/stack-run";

const REPO = path.resolve(__dirname, "../..");
const POLICY_PACK = path.join(REPO, "policy", "analyzer");

const HELP = `npm run deploy -- <preview|up|refresh|destroy> [stack...] [options]

Runs a Pulumi operation on the monitoring stacks in order, through the Automation API:
  - the regional stacks first, at once (at most --parallel), then the global stack, which reads their
    outputs; destroy runs the global stack first, then the regions;
  - naming a global stack brings every region its \`regions\` lists (as org/project/stack); naming no stack
    runs every global stack of the project and its regions; a regional stack may be named alone;
  - preview and up run the policy pack (policy/, mandatory policies block) unless --no-policy;
  - a stack whose phase before it failed is skipped, with the reason.
It ends with one table (stack, result, changes, time) and, for each stack that failed, the engine's own
message; it exits 1 when any stack failed.

It uses the backend and credentials of a normal Pulumi installation: \`pulumi login\` (Pulumi Cloud or any
self-managed backend), PULUMI_CONFIG_PASSPHRASE for passphrase-encrypted stacks, and the CLI from
PULUMI_BIN, else PATH (whatever its version), else .tools/bin (npm run setup). Stack config is each stack's Pulumi.<stack>.yaml.

Options:
  --project-dir DIR   where Pulumi.yaml and the stack files are (default: this repository)
  --parallel N        regional stacks run at once (default 2)
  --no-policy         preview and up without the policy pack
  --local-plugins     for machines without the plugin registry: the Kubernetes provider built by npm run
                      setup and the test STAND-INS for the random and tls providers (local/engine/stand-ins),
                      no plugin downloads; for the kubernetes platform on local clusters only
  --help              this text
`;

interface Args {
  operation: Operation;
  stacks: string[];
  projectDir: string;
  parallel: number;
  policy: boolean;
  localPlugins: boolean;
}

function parseArgs(argv: readonly string[]): Args | undefined {
  if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) return undefined;
  const [operation, ...rest] = argv;
  if (!(OPERATIONS as readonly string[]).includes(operation))
    throw new Error(`unknown operation '${operation}': one of ${OPERATIONS.join(", ")}`);
  const args: Args = {
    operation: operation as Operation,
    stacks: [],
    projectDir: REPO,
    parallel: 2,
    policy: true,
    localPlugins: false,
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === "--project-dir") args.projectDir = path.resolve(rest[++i] ?? "");
    else if (arg === "--parallel") args.parallel = Number(rest[++i]);
    else if (arg === "--no-policy") args.policy = false;
    else if (arg === "--local-plugins") args.localPlugins = true;
    else if (arg.startsWith("--")) throw new Error(`unknown option '${arg}' (see --help)`);
    else args.stacks.push(arg);
  }
  if (!Number.isInteger(args.parallel) || args.parallel < 1)
    throw new Error("--parallel takes a whole number of at least 1");
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    process.stdout.write(HELP);
    return 0;
  }
  const pluginDir = fs.mkdtempSync(path.join(os.tmpdir(), "monitoring-plugins-"));
  try {
    return await run(args, args.localPlugins ? localPluginEnv(pluginDir) : {});
  } finally {
    fs.rmSync(pluginDir, { recursive: true, force: true });
  }
}

async function run(args: Args, env: Record<string, string>): Promise<number> {
  const results = await deploy({
    operation: args.operation,
    stacks: args.stacks,
    settings: { projectDir: args.projectDir, pulumiCli: findDeployingPulumi(), env },
    parallel: args.parallel,
    policyPack: args.policy && args.operation !== "refresh" && args.operation !== "destroy" ? POLICY_PACK : undefined,
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${summaryTable(results)}\n`);
  return results.every((r) => r.result === "succeeded") ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  },
);
