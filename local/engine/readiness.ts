import * as fs from "node:fs";
import * as http from "node:http";
import type { Supervisor } from "../supervisor";
import { WaitAbandoned, waitFor } from "../wait";

const LOG_TAIL_LINES = 25;

/** The last lines of a log, to put the reason a component failed in the error itself. */
export function logTail(file: string, lines = LOG_TAIL_LINES): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/**
 * Waits until `probe` says a supervised component is ready; gives up at once if it exits, and fails naming
 * the component with the tail of its log.
 */
export async function waitComponentReady(
  supervisor: Supervisor,
  name: string,
  timeoutMs: number,
  probe: () => Promise<boolean>,
): Promise<void> {
  try {
    await waitFor(`${name} to be ready`, timeoutMs, async () => {
      if (!supervisor.isRunning(name)) throw new WaitAbandoned(`${name} exited`);
      return (await probe()) ? true : undefined;
    });
  } catch (err) {
    const log = supervisor.logFile(name);
    throw new Error(`${(err as Error).message}\n--- last lines of ${log} ---\n${logTail(log)}`);
  }
}

/** Whether a plain-HTTP endpoint (etcd's /health) answers 200. */
export function answersOk(url: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 5_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy(new Error(`${url}: no answer`)));
    req.on("error", reject);
  });
}
