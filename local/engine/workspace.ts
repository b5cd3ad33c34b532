import * as fs from "node:fs";
import * as path from "node:path";
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
export async function openStack(
  stackName: string,
  settings: EngineSettings,
  program: automation.PulumiFn,
): Promise<automation.Stack> {
  return automation.LocalWorkspace.createOrSelectStack(
    { stackName, projectName: PROJECT_NAME, program },
    {
      workDir: settings.projectDir,
      envVars: { ...settings.env },
      pulumiCommand: await pulumiCommand(settings.pulumiCli),
      ...(settings.env.PULUMI_HOME ? { pulumiHome: settings.env.PULUMI_HOME } : {}),
    },
  );
}

/** The Automation API's handle on the CLI at `cli`, whatever its version. */
export function pulumiCommand(cli: string): Promise<automation.PulumiCommand> {
  return automation.PulumiCommand.get({ root: cliRoot(cli), skipVersionCheck: true });
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

/** Generic closing lines the engine adds to the diagnostics that say why. */
const GENERIC_ERRORS = new Set(["update failed", "preview failed", "refresh failed", "destroy failed"]);

/**
 * The sentences of the engine's failure, from its output: each mandatory policy violation (policy, resource,
 * message) and each error diagnostic with its continuation lines (a RunError's sentences, one a line); else
 * the command's last lines.
 */
export function engineMessage(err: unknown, output: string): string {
  const lines = `${output}\n${err instanceof Error ? err.message : String(err)}`.split("\n");
  const found: string[] = [];
  lines.forEach((line, i) => {
    const violation = /^\s*- \[mandatory\]\s+(\S+)\s+\((.*)\)\s*$/.exec(line);
    if (violation) found.push(`policy ${violation[1]} (${violation[2]}): ${(lines[i + 2] ?? "").trim()}`);
    const error = /^(\s*)error: (.*)$/.exec(line);
    if (!error || GENERIC_ERRORS.has(error[2].trim())) return;
    const sentences = [error[2].trim()];
    const continues = (next: string | undefined) =>
      next?.startsWith(error[1]) === true &&
      /^\S/.test(next.slice(error[1].length)) &&
      !/^(error|warning|info):/.test(next.slice(error[1].length));
    for (let j = i + 1; continues(lines[j]); j++) sentences.push(lines[j].trim());
    found.push(sentences.join("\n"));
  });
  const unique = [...new Set(found)];
  return unique.length > 0
    ? unique.join("\n")
    : lines
        .filter((l) => l.trim())
        .slice(-5)
        .join("\n");
}
