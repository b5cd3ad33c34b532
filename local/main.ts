/**
 * `npm start`: two regions and the global tier on 127.0.0.1 with real Prometheus, Alertmanager and
 * node-exporter binaries. `npm start -- --check` starts it, checks that data and alerts flow end to end,
 * stops everything and exits 0 only when every check passed.
 *
 * Options: --check, --shards N (per region, default 1), --targets N (synthetic targets per region),
 * --base-port N (first port tried), --endpoints FILE (default .local/endpoints.json), --remote-write REGIONS
 * (the regions writing out, comma-separated, or `none`; default eu-west, so one region runs in each mode).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { MissingBinaryError } from "./binaries";
import { runChecks } from "./check";
import { endpoints, endpointsTable } from "./endpoints";
import { DEFAULT_OPTIONS, type LocalOptions, RUNNER_REMOTE_WRITE_REGIONS } from "./settings";
import { Topology } from "./topology";

function parseArgs(argv: readonly string[]): { check: boolean; options: LocalOptions } {
  const options: { -readonly [K in keyof LocalOptions]: LocalOptions[K] } = {
    ...DEFAULT_OPTIONS,
    remoteWriteRegions: RUNNER_REMOTE_WRITE_REGIONS,
  };
  let check = false;
  const integer = (flag: string, value: string | undefined, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`${flag} needs an integer of at least ${min}, got '${value ?? ""}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--check") check = true;
    else if (arg === "--shards") options.shards = integer(arg, argv[++i], 1);
    else if (arg === "--targets") options.targetsPerRegion = integer(arg, argv[++i], 1);
    else if (arg === "--base-port") options.basePort = integer(arg, argv[++i], 1024);
    else if (arg === "--endpoints") options.endpointsFile = argv[++i] ?? options.endpointsFile;
    else if (arg === "--remote-write") {
      const list = argv[++i] ?? "";
      options.remoteWriteRegions = list === "none" ? [] : list.split(",").filter((r) => r !== "");
    } else
      throw new Error(
        `unknown option '${arg}'; the options are --check, --shards N, --targets N, --base-port N, --endpoints FILE, --remote-write REGIONS|none`,
      );
  }
  return { check, options };
}

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main(): Promise<number> {
  const { check, options } = parseArgs(process.argv.slice(2));
  const writing = options.remoteWriteRegions?.join(", ") || "none";
  log(`planning two regions (${options.shards} shard(s) each; remote-write: ${writing}) and the global tier`);
  const topology = await Topology.create(options, log);
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= topology.stop());
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      log(`${signal}: stopping every process`);
      void stop().then(() => process.exit(check ? 1 : 0));
    });
  }
  try {
    await topology.start();
    log("every process is listening; waiting until data and alerts can flow");
    await topology.waitReady();
    const list = endpoints(topology);
    fs.mkdirSync(path.dirname(path.resolve(options.endpointsFile)), { recursive: true });
    fs.writeFileSync(options.endpointsFile, `${JSON.stringify(list, null, 2)}\n`);
    console.log(endpointsTable(list));
    log(`endpoints written to ${options.endpointsFile}`);
    if (!check) {
      log("ready; Ctrl-C stops everything");
      await new Promise<never>(() => undefined);
    }
    const failures = await runChecks(topology, log);
    for (const failure of failures) log(`FAILED: ${failure}`);
    log(failures.length === 0 ? "check passed" : `check failed (${failures.length})`);
    return failures.length === 0 ? 0 : 1;
  } catch (err) {
    log(`error: ${(err as Error).message}`);
    return 1;
  } finally {
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof MissingBinaryError ? err.message : `error: ${(err as Error).message}`);
    process.exit(err instanceof MissingBinaryError ? 3 : 1);
  },
);
