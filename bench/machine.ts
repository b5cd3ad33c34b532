import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import type { Binaries } from "../local/binaries";
import { figure, Machine } from "./report";

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

/** Resident memory of a process, from /proc (Linux, where the benchmark runs). */
export function residentBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}
