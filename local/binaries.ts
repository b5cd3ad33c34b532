import * as fs from "fs";
import * as path from "path";

/**
 * Finds the binaries the local topology runs: from an environment variable, else by upstream name, else by
 * Debian's name on PATH. A missing binary stops the runner with the install lines for Debian/Ubuntu and macOS.
 * Thanos and Grafana are not started locally (see local/README.md).
 */
interface BinarySpec {
  /** Names tried on PATH in order: upstream first, then the Debian package's. */
  readonly names: readonly string[];
  readonly envVar: string;
  readonly debianPackage: string;
  readonly brewFormula: string;
}

const BINARIES = {
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

export type Binaries = { readonly [K in keyof typeof BINARIES]: string };

export const INSTALL_LINES = {
  debian: `sudo apt-get install -y ${Object.values(BINARIES).map((b) => b.debianPackage).join(" ")}`,
  macos: `brew install ${Object.values(BINARIES).map((b) => b.brewFormula).join(" ")}`,
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

function locate(spec: BinarySpec, env: NodeJS.ProcessEnv): string | undefined {
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

/** Every binary the topology runs, or a MissingBinaryError naming each missing one with the install lines. */
export function findBinaries(env: NodeJS.ProcessEnv = process.env): Binaries {
  const required: Partial<Record<keyof typeof BINARIES, string>> = {};
  const missing: BinarySpec[] = [];
  for (const [key, spec] of Object.entries(BINARIES) as [keyof typeof BINARIES, BinarySpec][]) {
    const found = locate(spec, env);
    if (found) required[key] = found;
    else missing.push(spec);
  }
  if (missing.length > 0) throw new MissingBinaryError(missing);
  return required as Binaries;
}
