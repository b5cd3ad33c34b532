import * as assert from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Supervisor } from "../../local/supervisor";
import { waitFor } from "../../local/wait";

/** A process's scheduler state from /proc: "T" while stopped by a signal. */
const stateOf = (pid: number) => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
};

describe("the local topology's supervisor pausing a child (the benchmark's path alone)", function () {
  this.timeout(30_000);
  let dir: string;
  let supervisor: Supervisor;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "supervisor-test-"));
    supervisor = new Supervisor(dir);
  });

  afterEach(async () => {
    await supervisor.stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // A process that counts in a file and notes a SIGTERM it handled (a SIGKILL leaves no note). Node rather than
  // a shell loop: a shell forking its next command when the group is stopped waits on the stopped child in
  // uninterruptible sleep, never reaching the stopped state the test reads.
  const counter = (name: string) => ({
    name,
    command: process.execPath,
    args: [
      "-e",
      `const fs = require("fs"); let i = 0;
       process.on("SIGTERM", () => { fs.writeFileSync(${JSON.stringify(path.join(dir, `${name}.term`))}, "term"); process.exit(0); });
       setInterval(() => fs.writeFileSync(${JSON.stringify(path.join(dir, `${name}.count`))}, String(++i)), 50);`,
    ],
  });
  const count = (name: string) => Number(fs.readFileSync(path.join(dir, `${name}.count`), "utf8").trim() || 0);

  it("pause freezes a child and resume lets it run on", async () => {
    await supervisor.start(counter("busy"));
    const pid = supervisor.pid("busy") as number;
    await waitFor("the child to count", 10_000, async () =>
      fs.existsSync(path.join(dir, "busy.count")) ? true : undefined,
    );
    supervisor.pause("busy");
    await waitFor("the child to be stopped", 5_000, async () => (stateOf(pid) === "T" ? true : undefined));
    const frozen = count("busy");
    await new Promise((r) => setTimeout(r, 300));
    assert.strictEqual(count("busy"), frozen, "a paused child counts no further");
    supervisor.resume("busy");
    await waitFor("the child to count on", 5_000, async () => (count("busy") > frozen ? true : undefined));
    assert.ok(supervisor.isRunning("busy"));
  });

  it("stopping a paused child ends it by SIGTERM, not by the grace period's SIGKILL", async () => {
    await supervisor.start(counter("paused"));
    await waitFor("the child to count", 10_000, async () =>
      fs.existsSync(path.join(dir, "paused.count")) ? true : undefined,
    );
    supervisor.pause("paused");
    await supervisor.stop("paused");
    assert.ok(fs.existsSync(path.join(dir, "paused.term")), "the child handled SIGTERM");
    assert.ok(!supervisor.isRunning("paused"));
  });

  it("refuses to pause a child that is not running", () => {
    assert.throws(() => supervisor.pause("nothing"), /nothing is not running/);
  });
});
