import { type ChildProcess, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type BinaryName, findBinary } from "../../local/binaries";

/** A fresh temporary directory, removed by the caller's `after`. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface RunOptions {
  readonly cwd?: string;
  /** Return standard output alone (for commands that print JSON there and logs on standard error). */
  readonly stdoutOnly?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs a pinned binary (found as the local topology finds it: environment variable, PATH, `.tools/bin`) or
 * the system's `openssl`, and returns its output; throws with that output when it exits non-zero.
 */
export function runBinary(name: BinaryName | "openssl", args: readonly string[], options: RunOptions = {}): string {
  const command = name === "openssl" ? "openssl" : findBinary(name);
  const result = spawnSync(command, args, { cwd: options.cwd, encoding: "utf8", env: options.env ?? process.env });
  if (result.error) throw new Error(`${command} could not run (${result.error.message}).`);
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status}):\n${output}`);
  return options.stdoutOnly ? result.stdout : output;
}

/**
 * Copies a config for a checker: every absolute path under one of `prefixes` is moved under `root` (with a
 * stand-in file created there), since promtool and amtool insist that referenced files exist.
 */
export function withStandInFiles(text: string, prefixes: readonly string[], root: string): string {
  const pattern = new RegExp(
    `(${prefixes.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|")})[^\\s"',\\]]*`,
    "g",
  );
  return text.replace(pattern, (file) => {
    const local = path.join(root, file);
    fs.mkdirSync(path.dirname(local), { recursive: true });
    if (!file.includes("*") && !fs.existsSync(local)) fs.writeFileSync(local, "stand-in\n");
    return local;
  });
}

/** Stops a process a test started, by its pid, and waits until it has exited. */
export async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(child.pid, signal);
  await exited;
}
