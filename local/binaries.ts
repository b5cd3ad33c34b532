import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ENGINE_TOOL_VERSIONS, LOCAL_TOOL_VERSIONS, VERSIONS } from "../versions";
import { projectBinDir } from "./toolchain";

/**
 * Finds the binaries the local topology, the engine tests and the config tests run: from an environment
 * variable, else on PATH if it reports the pinned version, else in the project's own `.tools/bin` (what `npm run
 * setup` builds at the pinned versions). A missing binary stops the runner with the command that gets it.
 */
interface BinarySpec {
  readonly name: string;
  readonly envVar: string;
  /** The version the clusters run (or the pinned tool's), which `versionFlag` should print. */
  readonly version: string;
  /** The argument that prints the version; default `--version`. */
  readonly versionFlag?: string;
  /** It has no way to print its version (no such flag): a copy on PATH is taken unchecked. */
  readonly unversioned?: true;
}

/** What the local topology runs. */
const TOPOLOGY_BINARIES = {
  prometheus: { name: "prometheus", envVar: "PROMETHEUS_BIN", version: VERSIONS.prometheus },
  promtool: { name: "promtool", envVar: "PROMTOOL_BIN", version: VERSIONS.prometheus },
  alertmanager: { name: "alertmanager", envVar: "ALERTMANAGER_BIN", version: VERSIONS.alertmanager },
  amtool: { name: "amtool", envVar: "AMTOOL_BIN", version: VERSIONS.alertmanager },
  nodeExporter: { name: "node_exporter", envVar: "NODE_EXPORTER_BIN", version: VERSIONS.nodeExporter },
  thanos: { name: "thanos", envVar: "THANOS_BIN", version: VERSIONS.thanos },
  // The tests' writer of native-histogram blocks (local/histogram-blocks), built against the pinned Prometheus.
  histogramBlocks: {
    name: "histogram-blocks",
    envVar: "HISTOGRAM_BLOCKS_BIN",
    version: VERSIONS.prometheus,
    unversioned: true,
  },
  fakeGcsServer: {
    name: "fake-gcs-server",
    envVar: "FAKE_GCS_SERVER_BIN",
    version: LOCAL_TOOL_VERSIONS.fakeGcsServer,
    unversioned: true,
  },
  motoServer: { name: "moto_server", envVar: "MOTO_SERVER_BIN", version: LOCAL_TOOL_VERSIONS.moto, unversioned: true },
  haproxy: { name: "haproxy", envVar: "HAPROXY_BIN", version: VERSIONS.haproxy, versionFlag: "-v" },
  memcached: { name: "memcached", envVar: "MEMCACHED_BIN", version: VERSIONS.memcached },
} as const satisfies Record<string, BinarySpec>;

/** What the engine tests run: the Pulumi CLI and provider, and a Kubernetes control plane with KWOK's nodes. */
const ENGINE_BINARIES = {
  pulumi: { name: "pulumi", envVar: "PULUMI_BIN", version: ENGINE_TOOL_VERSIONS.pulumi, versionFlag: "version" },
  // A plugin: it only serves gRPC, and tells the engine its version there.
  pulumiResourceKubernetes: {
    name: "pulumi-resource-kubernetes",
    envVar: "PULUMI_RESOURCE_KUBERNETES_BIN",
    version: ENGINE_TOOL_VERSIONS.pulumiKubernetes,
    unversioned: true,
  },
  etcd: { name: "etcd", envVar: "ETCD_BIN", version: ENGINE_TOOL_VERSIONS.etcd },
  kubeApiserver: { name: "kube-apiserver", envVar: "KUBE_APISERVER_BIN", version: ENGINE_TOOL_VERSIONS.kubernetes },
  kubeControllerManager: {
    name: "kube-controller-manager",
    envVar: "KUBE_CONTROLLER_MANAGER_BIN",
    version: ENGINE_TOOL_VERSIONS.kubernetes,
  },
  kubeScheduler: { name: "kube-scheduler", envVar: "KUBE_SCHEDULER_BIN", version: ENGINE_TOOL_VERSIONS.kubernetes },
  kwok: { name: "kwok", envVar: "KWOK_BIN", version: ENGINE_TOOL_VERSIONS.kwok },
} as const satisfies Record<string, BinarySpec>;

const BINARIES = { ...TOPOLOGY_BINARIES, ...ENGINE_BINARIES } as const satisfies Record<string, BinarySpec>;

export type BinaryName = keyof typeof BINARIES;
export type Binaries = { readonly [K in keyof typeof TOPOLOGY_BINARIES]: string };
export type EngineBinaries = { readonly [K in keyof typeof ENGINE_BINARIES]: string };

export const SETUP_COMMAND = "npm run setup";

export class MissingBinaryError extends Error {
  constructor(readonly missing: readonly BinarySpec[]) {
    super(
      [
        ...missing.map(
          (b) =>
            `Missing ${b.name} ${b.version}: set ${b.envVar}, put it on PATH, or build the pinned version into .tools/bin.`,
        ),
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

/** What each file reported, so a process runs each binary's version check once however often it looks it up. */
const reportedVersions = new Map<string, string | undefined>();

function reportedVersion(spec: BinarySpec, file: string): string | undefined {
  if (!reportedVersions.has(file)) {
    // Some print their version on stderr (kingpin's --version), some on stdout.
    const result = spawnSync(file, [spec.versionFlag ?? "--version"], { encoding: "utf8", timeout: 10_000 });
    reportedVersions.set(file, /(\d+\.\d+\.\d+)/.exec(`${result.stdout ?? ""}${result.stderr ?? ""}`)?.[1]);
  }
  return reportedVersions.get(file);
}

/** Undefined when the file is the pinned version (or cannot tell), else what it reports. */
function versionMismatch(spec: BinarySpec, file: string): string | undefined {
  if (spec.unversioned) return undefined;
  const actual = reportedVersion(spec, file);
  return actual === spec.version ? undefined : (actual ?? "no readable version");
}

/** The first copy on PATH that reports the pinned version; each other copy is named on stderr, once per process. */
function onPath(spec: BinarySpec, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, spec.name);
    if (!isExecutable(file)) continue;
    const mismatch = versionMismatch(spec, file);
    if (!mismatch) return file;
    noticeOnce(`skipping ${file}: it is ${mismatch}, not the pinned ${spec.version}`);
  }
  return undefined;
}

const noticed = new Set<string>();

function noticeOnce(line: string): void {
  if (noticed.has(line)) return;
  noticed.add(line);
  process.stderr.write(`${line}\n`);
}

function locate(spec: BinarySpec, env: NodeJS.ProcessEnv): string | undefined {
  const fromEnv = env[spec.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`${spec.envVar}=${fromEnv} is not an executable file`);
    const mismatch = versionMismatch(spec, fromEnv);
    // The variable is the user's explicit choice: used, but not silently.
    if (mismatch) noticeOnce(`warning: ${spec.envVar}=${fromEnv} is ${mismatch}, not the pinned ${spec.version}`);
    return fromEnv;
  }
  const own = path.join(projectBinDir(env), spec.name);
  return onPath(spec, env) ?? (isExecutable(own) ? own : undefined);
}

/** One binary, or a MissingBinaryError naming it with the command that builds it. */
export function findBinary(name: BinaryName, env: NodeJS.ProcessEnv = process.env): string {
  const found = locate(BINARIES[name], env);
  if (!found) throw new MissingBinaryError([BINARIES[name]]);
  return found;
}

/** Each binary of a set, or a MissingBinaryError naming each missing one. */
function findAll<K extends BinaryName>(
  specs: Readonly<Record<K, BinarySpec>>,
  env: NodeJS.ProcessEnv,
): Record<K, string> {
  const found: Partial<Record<K, string>> = {};
  const missing: BinarySpec[] = [];
  for (const [key, spec] of Object.entries(specs) as [K, BinarySpec][]) {
    const file = locate(spec, env);
    if (file) found[key] = file;
    else missing.push(spec);
  }
  if (missing.length > 0) throw new MissingBinaryError(missing);
  return found as Record<K, string>;
}

/** Every binary the local topology runs. */
export function findBinaries(env: NodeJS.ProcessEnv = process.env): Binaries {
  return findAll(TOPOLOGY_BINARIES, env);
}

/** Every binary the engine tests run (the Pulumi CLI and provider, etcd, the control plane, KWOK). */
export function findEngineBinaries(env: NodeJS.ProcessEnv = process.env): EngineBinaries {
  return findAll(ENGINE_BINARIES, env);
}

/** The file name each binary of the local topology has on PATH and in `.tools/bin`, by key. */
export function topologyBinaryFiles(): Readonly<Record<keyof Binaries, string>> {
  return Object.fromEntries(Object.entries(TOPOLOGY_BINARIES).map(([key, spec]) => [key, spec.name])) as Record<
    keyof Binaries,
    string
  >;
}

export function pinnedVersion(name: BinaryName): string {
  return BINARIES[name].version;
}

/** The pinned version of a binary, and the one it reports (undefined when it prints none we can read). */
export function binaryVersion(name: BinaryName, file: string): { readonly pinned: string; readonly actual?: string } {
  return { pinned: pinnedVersion(name), actual: reportedVersion(BINARIES[name], file) };
}

/**
 * The Pulumi CLI `npm run deploy` drives: PULUMI_BIN, else the first `pulumi` on PATH whatever its version
 * (a user's own installation, which deploys with the backend and plugins it has), else the pinned build in
 * `.tools/bin`. Only the tests hold the engine to its pinned version.
 */
export function findDeployingPulumi(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PULUMI_BIN) return findBinary("pulumi", env);
  const onUsersPath = (env.PATH ?? "")
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, "pulumi"))
    .find(isExecutable);
  return onUsersPath ?? findBinary("pulumi", env);
}
