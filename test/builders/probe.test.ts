import * as assert from "node:assert";
import { spawn } from "node:child_process";
import { WAIT_FOR_TERM } from "../../builders/prometheus/probe";

describe("the container that only carries its pod's readiness probe", () => {
  it("waits until told to stop, then ends at once with status 0 (a pod's deletion does not wait out its grace period)", async () => {
    const [command, ...args] = WAIT_FOR_TERM;
    const child = spawn(command, args, { stdio: "ignore" });
    const ended = new Promise<{ code: number | null; ms: number }>((resolve) => {
      let signalledAt = 0;
      child.once("spawn", () =>
        setTimeout(() => {
          signalledAt = Date.now();
          child.kill("SIGTERM");
        }, 300),
      );
      child.once("exit", (code) => resolve({ code, ms: Date.now() - signalledAt }));
    });
    try {
      const { code, ms } = await ended;
      assert.strictEqual(code, 0);
      assert.ok(ms < 5000, `ended ${ms} ms after SIGTERM`);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
