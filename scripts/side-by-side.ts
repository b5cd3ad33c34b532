/**
 * Runs groups of npm scripts side by side: each group's scripts one after another, the groups at once, so the
 * engine tier (which mostly waits on API servers and the Pulumi engine) overlaps the CPU-bound tiers on two
 * cores. Each group's output is printed whole when the group ends, so the logs do not interleave and mocha's
 * "N passing" lines stay whole for .ci/run to count. Exits non-zero when any script failed; a group stops at
 * its first failure.
 *
 *   node bin/scripts/side-by-side.js test:engine -- test:binaries test:stacks test:policy
 */
import { spawn } from "node:child_process";

/** One group: its scripts in order; resolves with its combined output and whether every script passed. */
async function runGroup(scripts: readonly string[]): Promise<{ output: string; passed: boolean }> {
  let output = "";
  for (const script of scripts) {
    const child = spawn("npm", ["run", script], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    if (code !== 0) return { output: `${output}\nnpm run ${script} failed (exit ${code})\n`, passed: false };
  }
  return { output, passed: true };
}

function parseGroups(argv: readonly string[]): string[][] {
  const groups: string[][] = [[]];
  for (const arg of argv) {
    if (arg === "--") groups.push([]);
    else groups[groups.length - 1].push(arg);
  }
  const empty = groups.findIndex((g) => g.length === 0);
  if (empty >= 0) throw new Error(`group ${empty + 1} names no npm script (groups are separated by --)`);
  return groups;
}

async function main(): Promise<number> {
  const groups = parseGroups(process.argv.slice(2));
  const results = await Promise.all(
    groups.map(async (scripts) => {
      const result = await runGroup(scripts);
      process.stdout.write(result.output);
      return result.passed;
    }),
  );
  return results.every(Boolean) ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(err.message);
      process.exit(2);
    },
  );
}
