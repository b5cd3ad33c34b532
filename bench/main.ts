/**
 * `npm run bench`: measures the stack on the local topology and the program under mocks, and writes
 * docs/benchmark/report.md and report.json. `npm run bench:quick` (CI) runs every measurement on small loads,
 * writes its report to a temporary directory, and exits non-zero when any self-check fails (a target scraped
 * twice, a duplicated alert, ...). Options: --quick, --out DIR.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findBinaries, MissingBinaryError } from "../local/binaries";
import { REPO_ROOT } from "../local/stacks";
import { alertPipeline } from "./alerts";
import { shardBalance } from "./balance";
import { scrapeCapacity } from "./capacity";
import { federationEfficiency } from "./federation";
import { describeMachine, loadAverage } from "./machine";
import { programScaling } from "./program";
import { globalQueryLatency } from "./queries";
import { failedChecks, figure, renderMarkdown, Report, Section, summaryTable } from "./report";
import { BenchSettings, FULL, QUICK } from "./settings";
import { stopRunningTopologies, withTopology } from "./topology";

/** The issue's order: balance, federation, capacity, sizing, alerts, queries, program. */
const ORDER = ["shardBalance", "federationEfficiency", "scrapeCapacity", "sizingCheck", "alertPipeline", "globalQueries", "programScaling"];

function parseArgs(argv: readonly string[]): { quick: boolean; out?: string } {
  let quick = false;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--quick") quick = true;
    else if (argv[i] === "--out") out = argv[++i];
    else throw new Error(`unknown option '${argv[i]}'; the options are --quick and --out DIR`);
  }
  return { quick, out };
}

const started = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}`);

/** A phase that threw still leaves a section: its failure is a failed check, and the other phases run. */
async function phase(id: string, title: string, run: () => Promise<Section[]>): Promise<Section[]> {
  try {
    return await run();
  } catch (err) {
    log(`${title} failed: ${(err as Error).message}`);
    return [{ id, title, method: "The phase stopped with an error.", tables: [], figures: {}, summary: [], checks: [{ what: `${title} ran to the end`, passed: false, detail: (err as Error).message }] }];
  }
}

async function measureAll(settings: BenchSettings): Promise<Section[]> {
  const phases: (() => Promise<Section[]>)[] = [
    () => phase("programScaling", "The program itself", async () => [await programScaling(settings.program, log)]),
    () =>
      phase("pipeline", "Federation, queries and alerts on the local topology", () =>
        withTopology({ basePort: settings.pipelineBasePort }, log, async (topology) => {
          log("pipeline: waiting until data and alerts flow");
          await topology.waitReady();
          const federation = await federationEfficiency(topology, { repetitions: settings.federationRepetitions, seriesPerTarget: topology.plan.regions[0].config.load.seriesPerTarget }, log);
          const queries = await globalQueryLatency(topology, settings.queries, log);
          // Last: it kills an Alertmanager peer.
          const alerts = await alertPipeline(topology, settings.alerts, log);
          return [federation, queries, alerts];
        }),
      ),
    () => phase("shardBalance", "Shard balance", async () => [await shardBalance(settings.balance, log)]),
    () => phase("scrapeCapacity", "Scrape capacity", () => scrapeCapacity(settings.capacity, log)),
  ];
  const sections: Section[] = [];
  if (settings.concurrent) sections.push(...(await Promise.all(phases.map((run) => run()))).flat());
  else for (const run of phases) sections.push(...(await run()));
  return sections.sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));
}

async function main(): Promise<number> {
  const { quick, out } = parseArgs(process.argv.slice(2));
  const outDir = out ?? (quick ? fs.mkdtempSync(path.join(os.tmpdir(), "monitoring-bench-")) : path.join(REPO_ROOT, "docs", "benchmark"));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      log(`${signal}: stopping every process`);
      void stopRunningTopologies().then(() => process.exit(1));
    });
  }
  const machine = describeMachine(findBinaries());
  const loadAtStart = loadAverage();
  log(`${quick ? "quick" : "full"} benchmark on ${machine.cores} cores (${machine.cpuModel})`);
  const sections = await measureAll(quick ? QUICK : FULL);
  const report: Report = {
    mode: quick ? "quick" : "full",
    startedAt: new Date(started).toISOString(),
    duration: figure(Math.round((Date.now() - started) / 1000), "s"),
    machine: { ...machine, loadAverage: { atStart: loadAtStart, atEnd: loadAverage() } },
    sections,
  };
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "report.json"), JSON.stringify(report, null, 2) + "\n");
  fs.writeFileSync(path.join(outDir, "report.md"), renderMarkdown(report));
  console.log(`\n${summaryTable(report)}\n`);
  log(`report written to ${path.join(outDir, "report.md")} and report.json`);
  const failed = failedChecks(report);
  for (const f of failed) log(`FAILED (${f.section}): ${f.what}${f.detail ? ` (${f.detail})` : ""}`);
  log(failed.length === 0 ? "every self-check passed" : `${failed.length} self-check(s) failed`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    await stopRunningTopologies();
    console.error(err instanceof MissingBinaryError ? err.message : `error: ${(err as Error).message}`);
    process.exit(err instanceof MissingBinaryError ? 3 : 1);
  },
);
