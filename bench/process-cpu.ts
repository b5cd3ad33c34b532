/**
 * CPU time per query by role, read from /proc around a batch of queries: each role's processes (every process
 * of their groups, so a binary's own children count) and the whole machine. Wall time says how long a query
 * took; CPU time says what it cost each hop, and how much of two shared cores went to other work meanwhile.
 */
import * as fs from "node:fs";
import { CLOCK_TICKS_PER_SECOND, parseProcStat } from "./machine";

/** CPU seconds (user and system) of every process, summed by process group. */
function cpuSecondsByGroup(): Map<number, number> {
  const byGroup = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited since the listing
    }
    const { processGroup, cpuSeconds } = parseProcStat(stat);
    byGroup.set(processGroup, (byGroup.get(processGroup) ?? 0) + cpuSeconds);
  }
  return byGroup;
}

/** Busy CPU seconds of the whole machine over every core: /proc/stat's first line less idle and iowait. */
function machineBusySeconds(): number {
  const [, ...ticks] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks;
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SECOND;
}

/** A role: the process groups (their leaders' pids) whose CPU it adds up. */
export interface CpuRole {
  readonly role: string;
  readonly groups: readonly number[];
}

export interface CpuReading {
  /** CPU seconds per role, in the roles' order. */
  readonly roles: readonly number[];
  readonly machine: number;
}

export function readCpu(roles: readonly CpuRole[]): CpuReading {
  const byGroup = cpuSecondsByGroup();
  return {
    roles: roles.map((r) => r.groups.reduce((sum, g) => sum + (byGroup.get(g) ?? 0), 0)),
    machine: machineBusySeconds(),
  };
}

/**
 * Milliseconds of CPU per query for each role between two readings, then the machine's whole and what ran
 * outside every role (the benchmark's own client, other sessions). A process group that exits between the
 * readings loses its share (the roles' groups run throughout a run).
 */
export function cpuPerQuery(
  roles: readonly CpuRole[],
  before: CpuReading,
  after: CpuReading,
  queries: number,
): { readonly role: string; readonly msPerQuery: number }[] {
  const ms = (seconds: number) => Math.round((seconds * 1000 * 10) / queries) / 10;
  const perRole = roles.map((_, i) => Math.max(0, after.roles[i] - before.roles[i]));
  const machine = after.machine - before.machine;
  const inRoles = perRole.reduce((a, b) => a + b, 0);
  return [
    ...roles.map((r, i) => ({ role: r.role, msPerQuery: ms(perRole[i]) })),
    { role: OUTSIDE_ROLES, msPerQuery: ms(Math.max(0, machine - inRoles)) },
    { role: WHOLE_MACHINE, msPerQuery: ms(machine) },
  ];
}

export const OUTSIDE_ROLES = "outside the topology (the benchmark's client, other work)";
export const WHOLE_MACHINE = "the whole machine";
