import * as fs from "node:fs";
import * as path from "node:path";

/** The provider plugins the stand-ins replace, by the executable names the engine looks up on PATH. */
export const STAND_IN_PLUGINS = ["random", "tls"] as const;

const MAIN = path.join(__dirname, "main.js");

/** Single-quoted for sh, so no character of a path is expanded. */
const shellQuoted = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Writes `pulumi-resource-random` and `pulumi-resource-tls` into `dir`: put `dir` first on the engine's
 * PATH and it runs them as ambient plugins, ahead of its plugin cache (it warns "using ... from $PATH").
 */
export function writeStandInPlugins(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const name of STAND_IN_PLUGINS) {
    const script = `#!/bin/sh\n# Test stand-in for the ${name} provider plugin (local/engine/stand-ins).\nexec ${shellQuoted(process.execPath)} ${shellQuoted(MAIN)} ${name} "$@"\n`;
    fs.writeFileSync(path.join(dir, `pulumi-resource-${name}`), script, { mode: 0o755 });
  }
}
