/**
 * Every bad input of test/config/config-cases.ts, run as `pulumi preview` runs the program: through the
 * Node.js language host's entry (test/harness/cli-run.ts), which prints what the program throws. Each must
 * print exactly its one sentence, with no stack trace, exit as the host does after a reported error, and
 * have registered nothing but the root stack. The program's own stack files pass through the same entry.
 */
import * as assert from "assert";
import { execFile } from "child_process";
import * as path from "path";
import { REPO_ROOT, RunOptions } from "../harness/program";
import { TEST_SECRETS, regionalReferences } from "../harness/stacks";
import { BAD_INPUTS, expectedMessage, valuesOf } from "../config/config-cases";

interface HostRun {
  readonly code: number | null;
  readonly stderr: string;
  readonly registered: readonly string[];
}

/** The language host's exit code after it printed an error the user can act on (cmd/run/index.js). */
const REPORTED_ERROR_EXIT = 32;
/** The mocks' monitor has no shutdown call, which the host asks for after a program that succeeded. */
const MOCK_SHUTDOWN_NOTICE = /^Error while signaling shutdown: TypeError: monitorRef\.signalAndWaitForShutdown is not a function$/;

function runThroughHost(stack: string, options: RunOptions): Promise<HostRun> {
  const script = path.join(REPO_ROOT, "bin", "test", "harness", "cli-run.js");
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [script, stack], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const last = stdout.slice(stdout.lastIndexOf('{"registered"'));
      resolve({ code: error ? (error.code as number) : 0, stderr, registered: JSON.parse(last || '{"registered":[]}').registered });
    });
    child.stdin!.end(JSON.stringify(options));
  });
}

/** Runs the jobs two at a time: the machines here have two cores. */
async function inPairs<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

describe("what the Pulumi CLI prints for a bad stack file", function () {
  this.timeout(900_000);
  let runs: HostRun[] = [];

  before(async () => {
    runs = await inPairs(BAD_INPUTS.map((c) => () => {
      const { config, secrets } = valuesOf(c);
      return runThroughHost(c.stack, { configOverride: config, secrets });
    }));
  });

  BAD_INPUTS.forEach((c, i) => {
    it(`${c.stack}: ${c.name}`, () => {
      const run = runs[i];
      assert.strictEqual(run.stderr, `error: [runtime] ${expectedMessage(c)}\n`);
      assert.strictEqual(run.code, REPORTED_ERROR_EXIT);
      assert.deepStrictEqual(run.registered, ["pulumi:pulumi:Stack"], "no resource reached the engine");
    });
  });
});

describe("the program's own stack files through the same entry", function () {
  this.timeout(300_000);

  for (const stack of ["us-east", "eu-west", "global"]) {
    it(`${stack} runs without an error and registers its resources`, async () => {
      const options: RunOptions = stack === "global"
        ? { secrets: TEST_SECRETS.global, stackReferences: regionalReferences(["acme/monitoring/us-east", "acme/monitoring/eu-west"]) }
        : {};
      const run = await runThroughHost(stack, options);
      const lines = run.stderr.split("\n").filter((line) => line !== "" && !MOCK_SHUTDOWN_NOTICE.test(line));
      assert.deepStrictEqual(lines, []);
      assert.strictEqual(run.code, 0);
      assert.ok(run.registered.length > 50, `${run.registered.length} resources`);
    });
  }
});
