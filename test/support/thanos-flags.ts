import { spawnSync } from "node:child_process";
import type { ThanosCommand } from "../../builders/thanos/common";
import { findBinary } from "../../local/binaries";
import { runBinary } from "./tools";

/** What the pinned `thanos <command> --help` lists: every flag, and those its help calls deprecated. */
export interface ThanosFlags {
  readonly known: ReadonlySet<string>;
  readonly deprecated: ReadonlySet<string>;
}

const cache = new Map<ThanosCommand, ThanosFlags>();

/**
 * Flags the builders use that the pinned release parses but leaves out of its help (kingpin's Hidden), each
 * documented upstream: the store gateway's caching bucket (experimental), and Receive's
 * `--receive.limits-config-file` (docs/components/receive.md, "Limits & gates"). Each is known only if the
 * binary itself accepts it (`parsesHiddenFlag`).
 */
const HIDDEN_FLAGS_USED: Partial<Record<ThanosCommand, readonly string[]>> = {
  store: ["--store.caching-bucket.config"],
  receive: ["--receive.limits-config-file"],
};

/**
 * Whether `thanos <command>` parses `flag`: given it and then a flag no release has, kingpin stops at the first
 * flag it does not know, so an error about the second means the first was taken.
 */
export function parsesHiddenFlag(command: ThanosCommand, flag: string): boolean {
  const probe = "--no-such-flag-probe";
  const result = spawnSync(findBinary("thanos"), [command, `${flag}=`, probe], { encoding: "utf8" });
  return `${result.stdout}${result.stderr}`.includes(`unknown long flag '${probe}'`);
}

/** The flags of one command, read from the pinned binary's own help (kingpin prints `--flag=VALUE` lines). */
export function thanosFlags(command: ThanosCommand): ThanosFlags {
  const known = cache.get(command);
  if (known) return known;
  const help = runBinary("thanos", [command, "--help"]);
  const flags = new Set<string>();
  const deprecated = new Set<string>();
  let current: string | undefined;
  for (const line of help.split("\n")) {
    const m = /^\s+(?:-\w, )?(--(?:\[no-\])?[a-z0-9][a-z0-9._-]*)/.exec(line);
    if (m) {
      current = m[1].replace("[no-]", "");
      flags.add(current);
      if (/deprecated/i.test(line)) deprecated.add(current);
    } else if (current && /deprecated/i.test(line)) {
      deprecated.add(current);
    }
  }
  if (flags.size === 0) throw new Error(`thanos ${command} --help listed no flags:\n${help.slice(0, 500)}`);
  for (const flag of HIDDEN_FLAGS_USED[command] ?? []) if (parsesHiddenFlag(command, flag)) flags.add(flag);
  const result = { known: flags, deprecated };
  cache.set(command, result);
  return result;
}

/**
 * Problems with an argument list for `thanos <command>`: flags the pinned release does not have, and flags
 * it deprecates. The first argument may be the command itself.
 */
export function thanosFlagProblems(command: ThanosCommand, args: readonly string[]): string[] {
  const { known, deprecated } = thanosFlags(command);
  const problems: string[] = [];
  for (const arg of args) {
    if (arg === command) continue;
    const flag = arg.split("=")[0];
    if (!flag.startsWith("--")) problems.push(`'${arg}' is not a --flag=value argument`);
    else if (!known.has(flag)) problems.push(`thanos ${command} has no flag ${flag}`);
    else if (deprecated.has(flag)) problems.push(`thanos ${command} deprecates ${flag}`);
  }
  return problems;
}
