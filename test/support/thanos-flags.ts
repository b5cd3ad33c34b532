import type { ThanosCommand } from "../../builders/thanos/common";
import { runBinary } from "./tools";

/** What the pinned `thanos <command> --help` lists: every flag, and those its help calls deprecated. */
export interface ThanosFlags {
  readonly known: ReadonlySet<string>;
  readonly deprecated: ReadonlySet<string>;
}

const cache = new Map<ThanosCommand, ThanosFlags>();

/**
 * Flags the pinned Thanos accepts but hides from `--help` (kingpin's Hidden), each documented upstream:
 * `--receive.limits-config-file` (docs/components/receive.md, "Limits & gates"; cmd/thanos/receive.go
 * registers it WithHidden). A test that starts the binary with the flag proves it is accepted
 * (test/binaries/remote-write.test.ts: kingpin refuses a flag it does not know).
 */
const HIDDEN_FLAGS: Partial<Record<ThanosCommand, readonly string[]>> = {
  receive: ["--receive.limits-config-file"],
};

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
  for (const hidden of HIDDEN_FLAGS[command] ?? []) flags.add(hidden);
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
