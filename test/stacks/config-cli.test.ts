/**
 * Bad inputs of test/config/config-cases.ts, run as `pulumi preview` runs the program: through the Node.js
 * language host's entry (test/harness/cli-run.ts), which prints what the program throws. Each must print
 * exactly its one sentence, with no stack trace, exit as the host does after a reported error, and have
 * registered nothing but the root stack. config.test.ts checks every case's sentence in-process; the host
 * adds only the way out, the same for every case, so one case per stack and top-level key (and per unknown
 * key) passes through it: each check of the config, from the schema to the cross-field, cloud and teams
 * rules, at a second per process. The program's own stack files pass through the same entry.
 */
import * as assert from "node:assert";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { REPO_ROOT, type RunOptions } from "../harness/program";
import { TEST_SECRETS, regionalReferences } from "../harness/stacks";
import { BAD_INPUTS, type BadInput, expectedMessage, valuesOf } from "../config/config-cases";

interface HostRun {
  readonly code: number | null;
  readonly stderr: string;
  readonly registered: readonly string[];
}

/** The language host's exit code after it printed an error the user can act on (cmd/run/index.js). */
const REPORTED_ERROR_EXIT = 32;
/** The mocks' monitor has no shutdown call, which the host asks for after a program that succeeded. */
const MOCK_SHUTDOWN_NOTICE =
  /^Error while signaling shutdown: TypeError: monitorRef\.signalAndWaitForShutdown is not a function$/;

function runThroughHost(stack: string, options: RunOptions): Promise<HostRun> {
  const script = path.join(REPO_ROOT, "bin", "test", "harness", "cli-run.js");
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [script, stack],
      { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const last = stdout.slice(stdout.lastIndexOf('{"registered"'));
        resolve({
          code: error ? (error.code as number) : 0,
          stderr,
          registered: JSON.parse(last || '{"registered":[]}').registered,
        });
      },
    );
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

/** The first case of each stack, top-level key and kind of mistake (a bad value, an unknown key). */
function onePerKey(cases: readonly BadInput[]): BadInput[] {
  const seen = new Set<string>();
  return cases.filter((c) => {
    const kind = `${c.stack} ${c.key.split(/[.[]/)[0]} ${c.unknown === true}`;
    if (seen.has(kind)) return false;
    seen.add(kind);
    return true;
  });
}

describe("what the Pulumi CLI prints for a bad stack file", function () {
  this.timeout(900_000);
  const cases = onePerKey(BAD_INPUTS);
  let runs: HostRun[] = [];

  before(async () => {
    runs = await inPairs(
      cases.map((c) => () => {
        const { config, secrets } = valuesOf(c);
        return runThroughHost(c.stack, { configOverride: config, secrets });
      }),
    );
  });

  it("passes a case of every stack and top-level key through the host", () => {
    assert.ok(cases.length >= 30, `${cases.length} cases`);
    assert.deepStrictEqual(new Set(cases.map((c) => c.stack)), new Set(BAD_INPUTS.map((c) => c.stack)));
  });

  cases.forEach((c, i) => {
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
      const options: RunOptions =
        stack === "global"
          ? {
              secrets: TEST_SECRETS.global,
              stackReferences: regionalReferences(["acme/monitoring/us-east", "acme/monitoring/eu-west"]),
            }
          : {};
      const run = await runThroughHost(stack, options);
      const lines = run.stderr.split("\n").filter((line) => line !== "" && !MOCK_SHUTDOWN_NOTICE.test(line));
      assert.deepStrictEqual(lines, []);
      assert.strictEqual(run.code, 0);
      assert.ok(run.registered.length > 50, `${run.registered.length} resources`);
    });
  }
});
