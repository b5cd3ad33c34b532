import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { PROJECT, type RawConfig, receiverSecretKeys } from "./raw";

export { PROJECT, receiverSecretKeys };

/** The repository root (compiled code lives one level deeper, in bin/). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * A stack file's `monitoring:*` keys, namespace removed, as `pulumi config` would hand them to the program.
 * For tools that run the program's config without the Pulumi CLI: tests, render, the local topology.
 */
export function readStackFile(stack: string, root = REPO_ROOT): Record<string, unknown> {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) throw new Error(`no stack file ${file}: '${stack}' is not a stack of this project`);
  const doc = YAML.parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  return Object.fromEntries(
    Object.entries(doc?.config ?? {})
      .filter(([key]) => key.startsWith(`${PROJECT}:`))
      .map(([key, value]) => [key.slice(PROJECT.length + 1), value]),
  );
}

/**
 * Config values as the program reads them: strings as they are, structured values as JSON text, and
 * `secretKeys` held as secrets, as `pulumi config set --secret` would hold them.
 */
export function rawConfigOf(values: Record<string, unknown>, secretKeys: readonly string[] = []): RawConfig {
  return {
    values: Object.fromEntries(
      Object.entries(values)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    ),
    isSecret: (key) => secretKeys.includes(key),
  };
}
