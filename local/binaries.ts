import * as fs from "fs";
import * as path from "path";

/**
 * Finds the binaries the local topology runs: from an environment variable, else by upstream name, else by
 * Debian's name on PATH. A missing required binary stops the runner with the install line for the user's system.
 */
interface BinarySpec {
  /** Names tried on PATH in order: upstream first, then the Debian package's. */
  readonly names: readonly string[];
  readonly envVar: string;
  readonly debianPackage: string;
  readonly brewFormula: string;
}

const REQUIRED = {
  prometheus: { names: ["prometheus"], envVar: "PROMETHEUS_BIN", debianPackage: "prometheus", brewFormula: "prometheus" },
  alertmanager: {
    names: ["alertmanager", "prometheus-alertmanager"],
    envVar: "ALERTMANAGER_BIN",
    debianPackage: "prometheus-alertmanager",
    brewFormula: "alertmanager",
  },
  nodeExporter: {
    names: ["node_exporter", "prometheus-node-exporter"],
    envVar: "NODE_EXPORTER_BIN",
    debianPackage: "prometheus-node-exporter",
    brewFormula: "node_exporter",
  },
} as const satisfies Record<string, BinarySpec>;

/** Started when present, never required. */
const OPTIONAL = {
  thanos: { names: ["thanos"], envVar: "THANOS_BIN" },
  grafana: { names: ["grafana-server", "grafana"], envVar: "GRAFANA_BIN" },
} as const;

export type RequiredBinaries = { readonly [K in keyof typeof REQUIRED]: string };
export type OptionalBinaries = { readonly [K in keyof typeof OPTIONAL]?: string };
export type Binaries = RequiredBinaries & OptionalBinaries;

export const INSTALL_LINES = {
  debian: `sudo apt-get install -y ${Object.values(REQUIRED).map((b) => b.debianPackage).join(" ")}`,
  macos: `brew install ${Object.values(REQUIRED).map((b) => b.brewFormula).join(" ")}`,
} as const;

export class MissingBinaryError extends Error {
  constructor(readonly missing: readonly BinarySpec[]) {
    super(
      [
        ...missing.map((b) => `Missing ${b.names.join(" or ")} (Debian package ${b.debianPackage}, Homebrew ${b.brewFormula}); set ${b.envVar} or install it.`),
        `  Debian/Ubuntu: ${INSTALL_LINES.debian}`,
        `  macOS:         ${INSTALL_LINES.macos}`,
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

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function locate(spec: { names: readonly string[]; envVar: string }, env: NodeJS.ProcessEnv): string | undefined {
  const fromEnv = env[spec.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`${spec.envVar}=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  for (const name of spec.names) {
    const found = onPath(name, env);
    if (found) return found;
  }
  return undefined;
}

/** Every required binary (or a MissingBinaryError naming each missing one) and the optional ones found. */
export function findBinaries(env: NodeJS.ProcessEnv = process.env): Binaries {
  const required: Partial<Record<keyof typeof REQUIRED, string>> = {};
  const missing: BinarySpec[] = [];
  for (const [key, spec] of Object.entries(REQUIRED) as [keyof typeof REQUIRED, BinarySpec][]) {
    const found = locate(spec, env);
    if (found) required[key] = found;
    else missing.push(spec);
  }
  if (missing.length > 0) throw new MissingBinaryError(missing);
  const optional: Partial<Record<keyof typeof OPTIONAL, string>> = {};
  for (const [key, spec] of Object.entries(OPTIONAL) as [keyof typeof OPTIONAL, { names: readonly string[]; envVar: string }][]) {
    const found = locate(spec, env);
    if (found) optional[key] = found;
  }
  return { ...(required as RequiredBinaries), ...optional };
}
