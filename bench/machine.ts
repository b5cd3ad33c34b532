import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import type { Binaries } from "../local/binaries";
import { figure, type Machine } from "./report";

/** The first line a binary prints for `--version` (Prometheus and Alertmanager print it on stdout or stderr). */
function versionLine(binary: string): string {
  const out = execFileSync(binary, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return out.split("\n")[0].trim();
}

/** What the figures depend on: cores, CPU, memory, and the versions of Node and the binaries. */
export function describeMachine(binaries: Binaries): Omit<Machine, "loadAverage"> {
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    memory: figure(Math.round((os.totalmem() / 2 ** 30) * 10) / 10, "GiB"),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    prometheus: versionLine(binaries.prometheus),
    alertmanager: versionLine(binaries.alertmanager),
  };
}

/** The 1-minute load average: how many processes wanted a core, the benchmark's own included. */
export const loadAverage = () => figure(Math.round(os.loadavg()[0] * 100) / 100, "processes");

/**
 * Resident memory of a process from /proc (Linux, where the benchmark runs): `VmRSS` now, or `VmHWM`, the
 * most it has held since it started (a peak between two polls included).
 */
export function residentBytes(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** CPU seconds a process has used (user and system), from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  return parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, "utf8")).cpuSeconds;
}

/** A /proc/<pid>/stat line's process group and CPU seconds (user and system). */
export function parseProcStat(stat: string): { readonly processGroup: number; readonly cpuSeconds: number } {
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    processGroup: Number(fields[2]),
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND,
  };
}

/** USER_HZ, 100 on every Linux the benchmark runs on (getconf CLK_TCK). */
export const CLOCK_TICKS_PER_SECOND = 100;
