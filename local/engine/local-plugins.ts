import * as fs from "node:fs";
import * as path from "node:path";
import { findBinary } from "../binaries";
import { writeStandInPlugins } from "./stand-ins/plugins";

/**
 * The CLI environment for a machine without the plugin registry (this project's machines): the Kubernetes
 * provider `npm run setup` built and the random and tls STAND-INS (local/engine/stand-ins) on PATH, where the
 * engine takes a plugin before its plugin cache, and no attempt to download one. The plugins are written
 * into `dir`, which the caller removes when it is done.
 */
export function localPluginEnv(dir: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  fs.mkdirSync(dir, { recursive: true });
  writeStandInPlugins(dir);
  const provider = findBinary("pulumiResourceKubernetes", env);
  fs.symlinkSync(provider, path.join(dir, path.basename(provider)));
  return {
    PATH: [dir, env.PATH ?? ""].join(path.delimiter),
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
}
