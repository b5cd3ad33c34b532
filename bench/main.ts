/**
 * `npm run bench`: measures the stack on the local topology and the program under mocks, and writes
 * docs/benchmark/report.md and report.json. `npm run bench:quick` (CI) runs every measurement on small loads,
 * writes its report to a temporary directory, and exits non-zero when any self-check fails (a target scraped
 * twice, a duplicated alert, ...). Options: --quick, --out DIR, --base-port N (or BENCH_BASE_PORT; each phase's
 * ports start at an offset from it), --only PHASE[,PHASE] (a partial run, written to a temporary directory).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findBinaries, MissingBinaryError } from "../local/binaries";
import { REPO_ROOT } from "../local/stacks";
import { alertPipeline } from "./alerts";
import { shardBalance } from "./balance";
import { scrapeCapacity } from "./capacity";
import { federationEfficiency } from "./federation";
import { describeMachine, loadAverage } from "./machine";
import { programScaling } from "./program";
import { globalQueryLatency } from "./queries";
import { queryPathLatency } from "./query-path";
import { costSection, uploadedBlocks } from "./cost";
import { failedChecks, figure, renderMarkdown, type Report, type Section, summaryTable } from "./report";
import { type BenchSettings, DEFAULT_BASE_PORT, fullSettings, quickSettings } from "./settings";
import { sizingCheck } from "./sizing";
import { stopRunningTopologies, withTopology } from "./topology";

/** The report's order: balance, federation, capacity, sizing, alerts, queries, the query path, cost, program. */
const ORDER = [
  "shardBalance",
  "federationEfficiency",
  "scrapeCapacity",
  "sizingCheck",
  "alertPipeline",
  "globalQueries",
  "queryPath",
  "cost",
  "programScaling",
];
/** The phases `--only` can pick; the pipeline phase makes the federation, query, query path, cost and alert sections. */
const PHASES = ["programScaling", "pipeline", "shardBalance", "scrapeCapacity", "sizingCheck", "queryPath"] as const;

interface Options {
  readonly quick: boolean;
  readonly out?: string;
  readonly basePort: number;
  /** Phases to run (their ids); all when empty. */
  readonly only: readonly string[];
}

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  let quick = false;
  let out: string | undefined;
  let basePort = env.BENCH_BASE_PORT ?? String(DEFAULT_BASE_PORT);
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--quick") quick = true;
    else if (argv[i] === "--out") out = argv[++i];
    else if (argv[i] === "--base-port") basePort = argv[++i];
    else if (argv[i] === "--only") only.push(...(argv[++i] ?? "").split(","));
    else
      throw new Error(
        `unknown option '${argv[i]}'; the options are --quick, --out DIR, --base-port N and --only PHASE[,PHASE]`,
      );
  }
  const port = Number(basePort);
  // Up to 21000 every phase's ports lie below Linux' ephemeral range; above it (a machine whose low ports other
  // runs hold) a start may lose a port to an outgoing connection and is tried again on fresh ones.
  if (!Number.isInteger(port) || port < 1024 || port > 49000)
    throw new Error(
      `the base port (--base-port or BENCH_BASE_PORT) must be a whole number from 1024 to 49000 (up to 21000 every phase's ports lie below Linux' ephemeral range), got '${basePort}'`,
    );
  const unknown = only.filter((id) => !(PHASES as readonly string[]).includes(id));
  if (unknown.length > 0)
    throw new Error(`unknown phase(s) ${unknown.join(", ")}; the phases are ${PHASES.join(", ")}`);
  return { quick, out, basePort: port, only };
}

const started = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}`);

/** A phase that threw still leaves a section: its failure is a failed check, and the other phases run. */
async function phase(id: string, title: string, run: () => Promise<Section[]>): Promise<Section[]> {
  try {
    return await run();
  } catch (err) {
    log(`${title} failed: ${(err as Error).message}`);
    return [
      {
        id,
        title,
        method: "The phase stopped with an error.",
        tables: [],
        figures: {},
        summary: [],
        checks: [{ what: `${title} ran to the end`, passed: false, detail: (err as Error).message }],
      },
    ];
  }
}

async function measureAll(settings: BenchSettings, only: readonly string[]): Promise<Section[]> {
  const phases: Record<(typeof PHASES)[number], () => Promise<Section[]>> = {
    programScaling: () =>
      phase("programScaling", "The program itself", async () => [await programScaling(settings.program, log)]),
    pipeline: () =>
      phase("pipeline", "Federation, queries, the query path and alerts on the local topology", () => {
        // The query path's history ends before the topology's first sample.
        const startedAt = Date.now() / 1000;
        return withTopology(
          { basePort: settings.pipelineBasePort, peerTimeout: settings.alerts.peerTimeout },
          log,
          async (topology) => {
            log("pipeline: waiting until data and alerts flow");
            await topology.waitReady();
            const federation = await federationEfficiency(
              topology,
              {
                repetitions: settings.federationRepetitions,
                seriesPerTarget: topology.plan.regions[0].config.load.seriesPerTarget,
              },
              log,
            );
            const queries = await globalQueryLatency(topology, settings.queries, log);
            // Before the query path, which waits for its data to age past the frontend's uncached last minute:
            // the alerts' peer kill touches nothing the query path or the cost reads.
            const alerts = await alertPipeline(topology, settings.alerts, log);
            // Sections of their own: a failure there leaves the others' figures.
            const queryPath = await phase("queryPath", "The query path", async () => [
              await queryPathLatency(topology, settings.queryPath, log, startedAt),
            ]);
            const cost = await phase("cost", "Cost per region", async () => [
              costSection(await uploadedBlocks(topology), log),
            ]);
            return [federation, queries, ...queryPath, ...cost, alerts];
          },
        );
      }),
    // The query path alone on a topology of its own (`--only queryPath`); a whole run measures it in the pipeline's.
    queryPath: () => {
      if (only.includes("pipeline")) return Promise.resolve([]);
      const startedAt = Date.now() / 1000;
      return phase("queryPath", "The query path", () =>
        withTopology({ basePort: settings.pipelineBasePort }, log, async (topology) => {
          await topology.waitReady();
          return [await queryPathLatency(topology, settings.queryPath, log, startedAt)];
        }),
      );
    },
    shardBalance: () => phase("shardBalance", "Shard balance", async () => [await shardBalance(settings.balance, log)]),
    scrapeCapacity: () =>
      phase("scrapeCapacity", "Scrape capacity", async () => [await scrapeCapacity(settings.capacity, log)]),
    sizingCheck: () => phase("sizingCheck", "Sizing check", async () => [await sizingCheck(settings.sizing, log)]),
  };
  const chosen = PHASES.filter((id) => (only.length === 0 ? id !== "queryPath" : only.includes(id))).map(
    (id) => phases[id],
  );
  const sections: Section[] = [];
  if (settings.concurrent) sections.push(...(await Promise.all(chosen.map((run) => run()))).flat());
  else for (const run of chosen) sections.push(...(await run()));
  return sections.sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));
}

async function main(): Promise<number> {
  const { quick, out, basePort, only } = parseArgs(process.argv.slice(2), process.env);
  // Only a whole full run replaces docs/benchmark; a quick or partial run writes to a temporary directory.
  const outDir =
    out ??
    (quick || only.length > 0
      ? fs.mkdtempSync(path.join(os.tmpdir(), "monitoring-bench-"))
      : path.join(REPO_ROOT, "docs", "benchmark"));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      log(`${signal}: stopping every process`);
      void stopRunningTopologies().then(() => process.exit(1));
    });
  }
  const machine = describeMachine(findBinaries());
  const loadAtStart = loadAverage();
  log(`${quick ? "quick" : "full"} benchmark on ${machine.cores} cores (${machine.cpuModel})`);
  const sections = await measureAll(quick ? quickSettings(basePort) : fullSettings(basePort), only);
  const report: Report = {
    mode: quick ? "quick" : "full",
    startedAt: new Date(started).toISOString(),
    duration: figure(Math.round((Date.now() - started) / 1000), "s"),
    machine: { ...machine, loadAverage: { atStart: loadAtStart, atEnd: loadAverage() } },
    sections,
  };
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
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
