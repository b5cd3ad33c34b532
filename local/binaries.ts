import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { LOCAL_TOOL_VERSIONS, VERSIONS } from "../versions";
import { projectToolsDir } from "./toolchain";

/**
 * Finds the binaries the local topology and the tests run: from an environment variable, else on PATH, else
 * in the project's own `.tools/bin` (what `npm run setup` builds at the pinned versions). A missing binary
 * stops the runner with the command that gets it.
 */
interface BinarySpec {
  readonly name: string;
  readonly envVar: string;
  /** The version the clusters run (or the pinned emulator's), which `versionFlag` should print. */
  readonly version: string;
  /** Default `--version`. */
  readonly versionFlag?: string;
}

const BINARIES = {
  prometheus: { name: "prometheus", envVar: "PROMETHEUS_BIN", version: VERSIONS.prometheus },
  promtool: { name: "promtool", envVar: "PROMTOOL_BIN", version: VERSIONS.prometheus },
  alertmanager: { name: "alertmanager", envVar: "ALERTMANAGER_BIN", version: VERSIONS.alertmanager },
  amtool: { name: "amtool", envVar: "AMTOOL_BIN", version: VERSIONS.alertmanager },
  nodeExporter: { name: "node_exporter", envVar: "NODE_EXPORTER_BIN", version: VERSIONS.nodeExporter },
  thanos: { name: "thanos", envVar: "THANOS_BIN", version: VERSIONS.thanos },
  fakeGcsServer: { name: "fake-gcs-server", envVar: "FAKE_GCS_SERVER_BIN", version: LOCAL_TOOL_VERSIONS.fakeGcsServer },
  motoServer: { name: "moto_server", envVar: "MOTO_SERVER_BIN", version: LOCAL_TOOL_VERSIONS.moto },
  haproxy: { name: "haproxy", envVar: "HAPROXY_BIN", version: VERSIONS.haproxy, versionFlag: "-v" },
  memcached: { name: "memcached", envVar: "MEMCACHED_BIN", version: VERSIONS.memcached },
} as const satisfies Record<string, BinarySpec>;

export type BinaryName = keyof typeof BINARIES;
export type Binaries = { readonly [K in BinaryName]: string };

export const SETUP_COMMAND = "npm run setup";

export class MissingBinaryError extends Error {
  constructor(readonly missing: readonly BinarySpec[]) {
    super(
      [
        ...missing.map((b) => `Missing ${b.name} ${b.version}: set ${b.envVar}, put it on PATH, or build the pinned version into .tools/bin.`),
        `  Every pinned binary, built from its Go module (PyPI for moto, Debian's packages for HAProxy and memcached): ${SETUP_COMMAND}`,
        `  macOS alternative for the Prometheus tools: brew install prometheus alertmanager node_exporter thanos`,
      ].join("\n"),
    );
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function inDirs(name: string, dirs: readonly string[]): string | undefined {
  return dirs.map((dir) => path.join(dir, name)).find(isExecutable);
}

function locate(spec: BinarySpec, env: NodeJS.ProcessEnv): string | undefined {
  const fromEnv = env[spec.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`${spec.envVar}=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  return inDirs(spec.name, (env.PATH ?? "").split(path.delimiter).filter(Boolean)) ?? inDirs(spec.name, [path.join(projectToolsDir(env), "bin")]);
}

/** One binary, or a MissingBinaryError naming it with the command that builds it. */
export function findBinary(name: BinaryName, env: NodeJS.ProcessEnv = process.env): string {
  const found = locate(BINARIES[name], env);
  if (!found) throw new MissingBinaryError([BINARIES[name]]);
  return found;
}

/** Every binary the topology runs, or a MissingBinaryError naming each missing one. */
export function findBinaries(env: NodeJS.ProcessEnv = process.env): Binaries {
  const found: Partial<Record<BinaryName, string>> = {};
  const missing: BinarySpec[] = [];
  for (const [key, spec] of Object.entries(BINARIES) as [BinaryName, BinarySpec][]) {
    const file = locate(spec, env);
    if (file) found[key] = file;
    else missing.push(spec);
  }
  if (missing.length > 0) throw new MissingBinaryError(missing);
  return found as Binaries;
}

/** The pinned version of a binary, and the one it reports (undefined when it prints none we can read). */
export function binaryVersion(name: BinaryName, file: string): { readonly pinned: string; readonly actual?: string } {
  // Some print their version on stderr (kingpin's --version), some on stdout.
  const spec: BinarySpec = BINARIES[name];
  const result = spawnSync(file, [spec.versionFlag ?? "--version"], { encoding: "utf8", timeout: 10_000 });
  return { pinned: spec.version, actual: /(\d+\.\d+\.\d+)/.exec(`${result.stdout ?? ""}${result.stderr ?? ""}`)?.[1] };
}
