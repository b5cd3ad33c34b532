import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** A fresh temporary directory, removed by the caller's `after`. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs a Debian tool and returns its combined output; fails the test with that output when it exits non-zero. */
export function runTool(command: string, args: readonly string[], cwd?: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  if (result.error) throw new Error(`${command} could not run (apt-get install prometheus prometheus-alertmanager): ${result.error.message}`);
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${output}`);
  return output;
}

/**
 * Copies a config for a Debian checker: every absolute path under one of `prefixes` is moved under `root`
 * (with a stand-in file created there), since promtool and amtool insist that referenced files exist.
 */
export function withStandInFiles(text: string, prefixes: readonly string[], root: string): string {
  const pattern = new RegExp(`(${prefixes.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|")})[^\\s"',\\]]*`, "g");
  return text.replace(pattern, (file) => {
    const local = path.join(root, file);
    fs.mkdirSync(path.dirname(local), { recursive: true });
    if (!file.includes("*") && !fs.existsSync(local)) fs.writeFileSync(local, "stand-in\n");
    return local;
  });
}
