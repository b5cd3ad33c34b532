import * as fs from "fs";
import * as path from "path";

/** Thanos components whose flags the reference lists. */
export type ThanosCommand = "sidecar" | "query" | "query-frontend" | "store" | "compact";

export interface ThanosFlagReference {
  readonly version: string;
  /** Flags the pinned release accepts, by command. */
  readonly flags: ReadonlyMap<ThanosCommand, ReadonlySet<string>>;
  /** Flags the release's help text calls deprecated, by command. */
  readonly deprecated: ReadonlyMap<ThanosCommand, ReadonlySet<string>>;
}

/** The flag list of the pinned Thanos release, from ../shared/reference (beside the repository). */
export function loadThanosFlagReference(version = "0.42.4"): ThanosFlagReference {
  const file = path.resolve(__dirname, "../../../../shared/reference", `thanos-v${version}-flags.txt`);
  const flags = new Map<ThanosCommand, Set<string>>();
  const deprecated = new Map<ThanosCommand, Set<string>>();
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^thanos (\S+) (--\S+)( deprecated)?$/.exec(line.trim());
    if (!m) continue;
    const command = m[1] as ThanosCommand;
    if (!flags.has(command)) {
      flags.set(command, new Set());
      deprecated.set(command, new Set());
    }
    flags.get(command)!.add(m[2]);
    if (m[3]) deprecated.get(command)!.add(m[2]);
  }
  return { version, flags, deprecated };
}

/**
 * Problems with an argument list for `thanos <command>`: flags the release does not have, and flags it
 * deprecates. The first argument may be the command itself.
 */
export function thanosFlagProblems(reference: ThanosFlagReference, command: ThanosCommand, args: readonly string[]): string[] {
  const known = reference.flags.get(command);
  if (!known) return [`thanos ${command} is not in the v${reference.version} reference`];
  const problems: string[] = [];
  for (const arg of args) {
    if (arg === command) continue;
    const flag = arg.split("=")[0];
    if (!flag.startsWith("--")) {
      problems.push(`'${arg}' is not a --flag=value argument`);
    } else if (!known.has(flag)) {
      problems.push(`thanos ${command} v${reference.version} has no flag ${flag}`);
    } else if (reference.deprecated.get(command)!.has(flag)) {
      problems.push(`thanos ${command} v${reference.version} deprecates ${flag}`);
    }
  }
  return problems;
}
