import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface ProcessSpec {
  /** Unique name: the endpoints table, the logs and the tests refer to a process by it. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

interface Running {
  readonly spec: ProcessSpec;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  /** Set when the runner itself asked it to stop, so its exit is not reported as a crash. */
  stopping: boolean;
}

/** Longer than Alertmanager's own 10s wait to leave its mesh on SIGTERM. */
const STOP_GRACE_MS = 11_000;

/**
 * Starts every child in its own process group and stops it by pid (the whole group: a binary's own children
 * too). A watchdog process kills whatever is left, and removes the run's directory, if the runner dies
 * without stopping them. Each child's output goes to `<runDir>/logs/<name>.log`.
 */
export class Supervisor {
  private readonly running = new Map<string, Running>();
  private readonly specs = new Map<string, ProcessSpec>();
  private readonly watchdog: ChildProcess;

  private readonly logDir: string;

  constructor(
    runDir: string,
    private readonly onUnexpectedExit: (
      name: string,
      code: number | null,
      signal: string | null,
      logFile: string,
    ) => void = () => undefined,
    /** Every child's scheduling priority (nice, 0-19). */
    private readonly niceness = 0,
  ) {
    this.logDir = path.join(runDir, "logs");
    fs.mkdirSync(this.logDir, { recursive: true });
    this.watchdog = spawn(process.execPath, [path.join(__dirname, "watchdog.js"), runDir], {
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
    });
    this.watchdog.unref();
    (this.watchdog.stdin as unknown as { unref(): void }).unref();
  }

  logFile(name: string): string {
    return path.join(this.logDir, `${name}.log`);
  }

  names(): string[] {
    return [...this.specs.keys()];
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  pid(name: string): number | undefined {
    return this.running.get(name)?.child.pid;
  }

  async start(spec: ProcessSpec): Promise<void> {
    if (this.running.has(spec.name)) throw new Error(`${spec.name} is already running`);
    this.specs.set(spec.name, spec);
    const log = fs.openSync(this.logFile(spec.name), "a");
    const [command, args] = niced(spec.command, spec.args, this.niceness);
    const child = spawn(command, args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ["ignore", log, log],
    });
    fs.closeSync(log);
    const started = new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (err) => reject(new Error(`cannot start ${spec.name} (${spec.command}): ${err.message}`)));
    });
    const pid = () => child.pid as number;
    const entry: Running = {
      spec,
      child,
      stopping: false,
      exited: new Promise<void>((resolve) =>
        child.once("exit", (code, signal) => {
          if (child.pid !== undefined) this.tellWatchdog(`-${pid()}`);
          this.running.delete(spec.name);
          if (!entry.stopping) this.onUnexpectedExit(spec.name, code, signal, this.logFile(spec.name));
          resolve();
        }),
      ),
    };
    this.running.set(spec.name, entry);
    await started;
    this.tellWatchdog(`+${pid()}`);
  }

  /** Stops a child and its group: SIGTERM, then SIGKILL if it has not exited after a grace period. */
  async stop(name: string, signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
    const entry = this.running.get(name);
    if (!entry || entry.child.pid === undefined) return;
    entry.stopping = true;
    const group = entry.child.pid;
    signalGroup(group, signal);
    // A paused child acts on SIGTERM only once it runs again.
    signalGroup(group, "SIGCONT");
    const timer = setTimeout(() => signalGroup(group, "SIGKILL"), STOP_GRACE_MS);
    await entry.exited;
    clearTimeout(timer);
  }

  /** Kills a child without warning, as a crashed node or an OOM kill would. */
  kill(name: string): Promise<void> {
    return this.stop(name, "SIGKILL");
  }

  /**
   * Freezes a running child and its group (SIGSTOP) without ending it: it keeps its ports, memory and
   * connections and takes no CPU until resumed. The benchmark measures a path with everything else frozen.
   */
  pause(name: string): void {
    this.signalRunning(name, "SIGSTOP");
  }

  /** Lets a paused child run again (SIGCONT). */
  resume(name: string): void {
    this.signalRunning(name, "SIGCONT");
  }

  /** Starts a stopped child again with the spec it was first started with. */
  restart(name: string): Promise<void> {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`no process named ${name} was ever started`);
    return this.start(spec);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((name) => this.stop(name)));
    this.watchdog.stdin?.end();
  }

  private signalRunning(name: string, signal: NodeJS.Signals): void {
    const pid = this.running.get(name)?.child.pid;
    if (pid === undefined) throw new Error(`${name} is not running`);
    signalGroup(pid, signal);
  }

  private tellWatchdog(line: string): void {
    this.watchdog.stdin?.write(`${line}\n`);
  }
}

/**
 * The command line that runs `command` at `niceness`. Through nice(1), not a renice after the spawn: Linux
 * keeps a niceness per thread, and a Go binary or Node has started threads of its own by then. nice execs the
 * command, so the pid stays the command's.
 */
export function niced(command: string, args: readonly string[], niceness: number): [string, readonly string[]] {
  return niceness > 0 ? ["nice", ["-n", String(niceness), command, ...args]] : [command, args];
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}
