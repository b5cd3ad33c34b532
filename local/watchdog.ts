/**
 * Runs beside the runner in its own process group and reads `+<pid>` / `-<pid>` lines on stdin: the process
 * groups the runner started and those it has since reaped. When stdin closes, the runner is gone (even if it
 * was SIGKILLed and had no chance to clean up), so every group still listed is killed and the run's directory
 * (argv[2]) removed: nothing outlives it.
 */
import * as fs from "node:fs";

const groups = new Set<number>();
let pending = "";

process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk: string) => {
  pending += chunk;
  const lines = pending.split("\n");
  pending = lines.pop() ?? "";
  for (const line of lines) {
    const pid = Number(line.slice(1));
    if (!Number.isInteger(pid) || pid <= 0) continue;
    if (line.startsWith("+")) groups.add(pid);
    else if (line.startsWith("-")) groups.delete(pid);
  }
});
process.stdin.on("end", () => {
  for (const pid of groups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  if (groups.size > 0 && process.argv[2]) fs.rmSync(process.argv[2], { recursive: true, force: true });
  process.exit(0);
});
// The terminal's Ctrl-C is for the runner, which stops the children itself.
process.on("SIGINT", () => undefined);
