import * as fs from "fs";
import * as path from "path";
import * as automation from "@pulumi/pulumi/automation";

/** Where a stack's program and config live, and the CLI and environment the engine runs with. */
export interface EngineSettings {
  /** Pulumi.yaml and the Pulumi.<stack>.yaml files. */
  readonly projectDir: string;
  /** The `pulumi` executable the Automation API drives. */
  readonly pulumiCli: string;
  /** The CLI's environment beside the process's own (backend, passphrase, PATH for plugins). */
  readonly env: Readonly<Record<string, string>>;
}

/** The project's name in Pulumi.yaml, which is also its config namespace. */
export const PROJECT_NAME = "monitoring";

/**
 * The stack `stackName` (`us-east`, or `org/monitoring/us-east` on a backend with organizations), created on
 * first use, running `program` inline: the Node process serves the language runtime, so no language host
 * plugin is needed, and the stack's config is its Pulumi.<stack>.yaml in `projectDir`.
 */
export async function openStack(stackName: string, settings: EngineSettings, program: automation.PulumiFn): Promise<automation.Stack> {
  const pulumiCommand = await automation.PulumiCommand.get({ root: cliRoot(settings.pulumiCli), skipVersionCheck: true });
  return automation.LocalWorkspace.createOrSelectStack(
    { stackName, projectName: PROJECT_NAME, program },
    { workDir: settings.projectDir, envVars: { ...settings.env }, pulumiCommand, ...(settings.env.PULUMI_HOME ? { pulumiHome: settings.env.PULUMI_HOME } : {}) },
  );
}

/** PulumiCommand takes an installation root holding bin/pulumi: a folder of links beside the CLI's own, made once. */
function cliRoot(cli: string): string {
  const real = fs.realpathSync(cli);
  if (path.basename(path.dirname(real)) === "bin") return path.dirname(path.dirname(real));
  const root = path.join(path.dirname(real), ".pulumi-root");
  const link = path.join(root, "bin", "pulumi");
  if (!fs.existsSync(link)) {
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(real, link);
  }
  return root;
}

/** The sentences of the engine's failure: its `error:` diagnostics, else the command's last lines. */
export function engineMessage(err: unknown, output: string): string {
  const text = `${output}\n${err instanceof Error ? err.message : String(err)}`;
  const errors = text.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("error:"));
  const unique = [...new Set(errors.map((l) => l.replace(/^error:\s*/, "")))];
  return unique.length > 0 ? unique.join("\n") : text.trim().split("\n").slice(-5).join("\n");
}
