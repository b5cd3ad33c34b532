/**
 * 7. The program itself: the global stack under Pulumi mocks for N regions, its evaluation time and resource
 * count, one child process per N. The regional outputs come from running one regional stack once, cloned
 * under each region's name (what contracts/validate-regional-outputs.ts requires of a region).
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { readStackFile, REPO_ROOT, type StackReferenceOutputs } from "../test/harness/program";
import { runStackInChild, TEST_SECRETS } from "../test/harness/stacks";
import { niced } from "../local/supervisor";
import type { Log } from "../local/topology";
import { type Check, figure, type Section } from "./report";
import type { Niced } from "./topology";
import type { ProgramMeasurement } from "./program-child";
import { linearFit, round } from "./stats";

export interface ProgramSettings extends Niced {
  readonly regionCounts: readonly number[];
}

const SOURCE_REGION = "us-east";
const GLOBAL_STACK = "global";

/** `bench-07`, ...: names that sort and cannot be mistaken for a real region. */
const regionName = (i: number) => `bench-${String(i + 1).padStart(2, "0")}`;

/**
 * The source region's outputs under another stack's name: every mention of the stack name is renamed (its
 * region label, cluster, bucket, TLS name, alerting user), the cloud's own region names (`us-east-1`) are kept.
 */
function cloneOutputs(outputs: Record<string, unknown>, name: string): Record<string, unknown> {
  return JSON.parse(JSON.stringify(outputs).replace(new RegExp(`${SOURCE_REGION}(?!-\\d)`, "g"), name)) as Record<
    string,
    unknown
  >;
}

/** A run of the program under mocks takes seconds; one that takes this long has been starved or hangs. */
const CHILD_TIMEOUT_MS = 10 * 60_000;

/** Runs a script of bin/ in a child process with `input` on stdin, and resolves with its stdout. */
function runChild(script: string, args: readonly string[], input: string, niceness: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const [command, argv] = niced(process.execPath, [path.join(REPO_ROOT, "bin", script), ...args], niceness);
    const child = spawn(command, argv, { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `${script} ${args.join(" ")} did not finish in ${CHILD_TIMEOUT_MS / 60_000} minutes at nice ${niceness}; killed (pid ${child.pid})`,
        ),
      );
    }, CHILD_TIMEOUT_MS);
    child.stdout.on("data", (chunk: Buffer) => (out += chunk));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk));
    child.on("error", reject);
    // "close", not "exit": exit can come before the child's output has been read from the pipe.
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${script} ${args.join(" ")} exited ${code}: ${err.trim()}`));
    });
    child.stdin.end(input);
  });
}

async function runGlobal(
  regions: number,
  source: { outputs: Record<string, unknown>; secretOutputs: string[] },
  niceness: number,
): Promise<ProgramMeasurement & { wallMs: number }> {
  const org = "acme";
  const references = Array.from({ length: regions }, (_, i) => `${org}/monitoring/${regionName(i)}`);
  const stackReferences: StackReferenceOutputs = Object.fromEntries(
    references.map((ref, i) => [
      ref,
      { outputs: cloneOutputs(source.outputs, regionName(i)), secretOutputNames: source.secretOutputs },
    ]),
  );
  const options = {
    configOverride: { ...readStackFile(GLOBAL_STACK), regions: references },
    secrets: TEST_SECRETS[GLOBAL_STACK],
    stackReferences,
    org,
  };
  const started = performance.now();
  const out = await runChild(path.join("bench", "program-child.js"), [GLOBAL_STACK], JSON.stringify(options), niceness);
  return { ...(JSON.parse(out) as ProgramMeasurement), wallMs: performance.now() - started };
}

export async function programScaling(settings: ProgramSettings, log: Log): Promise<Section> {
  log(`program: running the ${SOURCE_REGION} stack once for its outputs`);
  const source = runStackInChild(SOURCE_REGION);
  const runs: (ProgramMeasurement & { wallMs: number; regions: number })[] = [];
  // One at a time: each measures the program alone.
  for (const n of settings.regionCounts) {
    log(`program: global stack with ${n} regions`);
    runs.push({ regions: n, ...(await runGlobal(n, source, settings.niceness)) });
  }
  const resourcesFit = linearFit(runs.map((r) => [r.regions, r.resources]));
  const timeFit = linearFit(runs.map((r) => [r.regions, r.evaluationMs]));
  const increments = runs.slice(1).map((r, i) => ({
    from: runs[i].regions,
    to: r.regions,
    resources: (r.resources - runs[i].resources) / (r.regions - runs[i].regions),
    ms: (r.evaluationMs - runs[i].evaluationMs) / (r.regions - runs[i].regions),
  }));
  const exactlyLinear = increments.every((inc) => inc.resources === increments[0].resources);
  const checks: Check[] = [
    {
      what: "the resource count grows by the same number of resources for every added region (linear)",
      passed: exactlyLinear && increments.length > 0,
      detail: increments.map((i) => `${i.from}->${i.to}: ${i.resources}/region`).join(", "),
    },
  ];
  return {
    id: "programScaling",
    title: "The program itself",
    method:
      `The global stack's program (index.ts) under Pulumi mocks (test/harness), one child process per region count${settings.niceness > 0 ? ` at nice ${settings.niceness} (it shares the machine with the other phases)` : ""}, with the ` +
      `outputs of the ${SOURCE_REGION} stack (run once) cloned under each region's name. Evaluation time is the harness' runProgram ` +
      `call (program load, exports resolved, every registration answered, those made inside an apply included); wall time is the whole ` +
      `child process, Node and module loading included.`,
    tables: [
      {
        columns: ["regions", "resources", "evaluation time", "child process wall time"],
        rows: runs.map((r) => [
          figure(r.regions, "regions"),
          figure(r.resources, "resources"),
          figure(round(r.evaluationMs, 0), "ms"),
          figure(round(r.wallMs, 0), "ms"),
        ]),
      },
      {
        title: "Per added region",
        columns: ["from", "to", "resources per region", "evaluation time per region"],
        rows: increments.map((i) => [
          figure(i.from, "regions"),
          figure(i.to, "regions"),
          figure(round(i.resources, 2), "resources"),
          figure(round(i.ms, 1), "ms"),
        ]),
      },
    ],
    figures: {
      runs: runs.map((r) => ({
        regions: figure(r.regions, "regions"),
        resources: figure(r.resources, "resources"),
        evaluation: figure(round(r.evaluationMs, 0), "ms"),
        wall: figure(round(r.wallMs, 0), "ms"),
      })),
      resourcesFit: {
        perRegion: figure(round(resourcesFit.slope, 2), "resources/region"),
        fixed: figure(round(resourcesFit.intercept, 1), "resources"),
        r2: figure(round(resourcesFit.r2, 4), "R²"),
      },
      evaluationFit: {
        perRegion: figure(round(timeFit.slope, 1), "ms/region"),
        fixed: figure(round(timeFit.intercept, 0), "ms"),
        r2: figure(round(timeFit.r2, 4), "R²"),
      },
    },
    summary: [
      {
        measure: `Program under mocks, global stack with ${settings.regionCounts.join("/")} regions: resources, evaluation time`,
        result:
          `${runs.map((r) => r.resources).join(" / ")} resources (+${round(resourcesFit.slope, 1)} per region, R² ${round(resourcesFit.r2, 4)}); ` +
          `${runs.map((r) => round(r.evaluationMs / 1000, 1)).join(" / ")} s (+${round(timeFit.slope, 0)} ms per region, R² ${round(timeFit.r2, 3)})`,
      },
    ],
    checks,
  };
}
