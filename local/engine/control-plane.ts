import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type PortAllocator, LOOPBACK } from "../ports";
import { Supervisor } from "../supervisor";
import { createClusterObjects, unreadyNodes } from "./cluster-objects";
import {
  COMPONENTS,
  type ComponentName,
  type ControlPlaneBinaries,
  type ControlPlaneLayout,
  type ControlPlanePorts,
  controlPlaneProcesses,
} from "./components";
import { CONTROL_PLANE_USERS, type ControlPlanePki, createControlPlanePki } from "./control-plane-pki";
import { provisionedDirectories, removeDirectories } from "./hostpath-volumes";
import { KubeApi, type KubeCredentials } from "./kube-api";
import { kubeconfig } from "./kubeconfig";
import { kwokStageFiles } from "./kwok-stages";
import { answersOk, waitComponentReady } from "./readiness";

export type { ControlPlaneBinaries } from "./components";

export interface ControlPlaneOptions {
  readonly binaries: ControlPlaneBinaries;
  /** KWOK's `kustomize/stage/` folder at the pinned version. */
  readonly kwokStagesDir: string;
  /** Shared by control planes started together, so no two are handed the same port. */
  readonly ports: PortAllocator;
  /** How long each component may take to become ready. */
  readonly readyTimeoutMs?: number;
  /** Told when a component exits without being asked to (its log is removed with the cluster on stop). */
  readonly log?: (line: string) => void;
}

/** A running local Kubernetes control plane with fake nodes, and the way to stop it. */
export interface ControlPlane {
  /** Admin kubeconfig with the CA and client certificate embedded. */
  readonly kubeconfig: string;
  readonly kubeconfigPath: string;
  readonly apiServerUrl: string;
  /** The admin's certificate files, for plain HTTPS requests to the API server. */
  readonly admin: KubeCredentials;
  /** Every component's process id, for the caller that checks none outlives `stop()`. */
  readonly pids: Readonly<Record<ComponentName, number>>;
  /** Where everything of this cluster lives (PKI, etcd data, logs); removed by `stop()`. */
  readonly dir: string;
  /** Stops every component by pid (SIGTERM, then SIGKILL), removes the volumes it provisioned and its directory; once. */
  stop(): Promise<void>;
}

/** Generous on a loaded two-core machine starting three clusters at once; a healthy start takes seconds. */
const DEFAULT_READY_TIMEOUT_MS = 120_000;

/**
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and KWOK on free loopback ports, in a
 * temporary directory of its own, and returns once the API server is ready, the controllers and the scheduler
 * answer their health checks, and KWOK has made the three zones' fake nodes Ready. On any failure everything
 * started is stopped and the directory removed before the error is thrown.
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const kwokStages = kwokStageFiles(options.kwokStagesDir);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "monitoring-control-plane-"));
  const supervisor = new Supervisor(dir, (name, code, signal, logFile) =>
    options.log?.(`${name} exited unexpectedly (${signal ?? `code ${code}`}); its log: ${logFile}`),
  );
  try {
    return await launch(supervisor, dir, kwokStages, options);
  } catch (err) {
    await stopInReverseOrder(supervisor);
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function launch(
  supervisor: Supervisor,
  dir: string,
  kwokStages: readonly string[],
  options: ControlPlaneOptions,
): Promise<ControlPlane> {
  const pki = createControlPlanePki(path.join(dir, "pki"));
  const ports = await takePorts(options.ports);
  const apiServerUrl = `https://${LOOPBACK}:${ports.apiServer}`;
  const layout: ControlPlaneLayout = {
    dir,
    binaries: options.binaries,
    ports,
    pki,
    kubeconfigs: writeComponentKubeconfigs(dir, apiServerUrl, pki),
    kwokStages,
  };
  const adminCredentials: KubeCredentials = {
    server: apiServerUrl,
    caFile: pki.ca.cert,
    certFile: pki.admin.cert,
    keyFile: pki.admin.key,
  };
  const admin = new KubeApi(adminCredentials);
  try {
    await startComponents(supervisor, layout, admin, options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  } catch (err) {
    admin.close();
    throw err;
  }
  const adminKubeconfig = kubeconfig(apiServerUrl, pki.ca.cert, CONTROL_PLANE_USERS.admin, pki.admin);
  const kubeconfigPath = path.join(dir, "admin.kubeconfig");
  fs.writeFileSync(kubeconfigPath, adminKubeconfig, { mode: 0o600 });
  let stopped: Promise<void> | undefined;
  return {
    kubeconfig: adminKubeconfig,
    kubeconfigPath,
    apiServerUrl,
    admin: adminCredentials,
    pids: runningPids(supervisor),
    dir,
    stop: () => (stopped ??= stopControlPlane(supervisor, admin, dir)),
  };
}

async function takePorts(ports: PortAllocator): Promise<ControlPlanePorts> {
  return {
    etcdClient: await ports.take(),
    etcdPeer: await ports.take(),
    apiServer: await ports.take(),
    controllerManager: await ports.take(),
    scheduler: await ports.take(),
  };
}

function writeComponentKubeconfigs(
  dir: string,
  server: string,
  pki: ControlPlanePki,
): ControlPlaneLayout["kubeconfigs"] {
  const write = (name: keyof ControlPlaneLayout["kubeconfigs"]) => {
    const file = path.join(dir, `${name}.kubeconfig`);
    fs.writeFileSync(file, kubeconfig(server, pki.ca.cert, CONTROL_PLANE_USERS[name], pki[name]), { mode: 0o600 });
    return file;
  };
  return { controllerManager: write("controllerManager"), scheduler: write("scheduler"), kwok: write("kwok") };
}

/** etcd, then the API server, then the rest at once: each waits only for what it cannot start without. */
async function startComponents(
  supervisor: Supervisor,
  layout: ControlPlaneLayout,
  admin: KubeApi,
  timeoutMs: number,
): Promise<void> {
  const [etcd, apiServer, ...clients] = controlPlaneProcesses(layout);
  await supervisor.start(etcd);
  await waitComponentReady(supervisor, etcd.name, timeoutMs, () =>
    answersOk(`http://${LOOPBACK}:${layout.ports.etcdClient}/health`),
  );
  await supervisor.start(apiServer);
  await waitComponentReady(supervisor, apiServer.name, timeoutMs, async () => (await admin.text("/readyz")) === "ok");
  await createClusterObjects(admin);
  await Promise.all(clients.map((spec) => supervisor.start(spec)));
  await Promise.all([
    waitHealthy(supervisor, "kube-controller-manager", layout.ports.controllerManager, admin, timeoutMs),
    waitHealthy(supervisor, "kube-scheduler", layout.ports.scheduler, admin, timeoutMs),
    waitComponentReady(supervisor, "kwok", timeoutMs, async () => (await unreadyNodes(admin)).length === 0),
  ]);
}

/** A component's own /healthz on its loopback port, served with the cluster's certificate. */
async function waitHealthy(
  supervisor: Supervisor,
  name: ComponentName,
  port: number,
  admin: KubeApi,
  timeoutMs: number,
): Promise<void> {
  const own = new KubeApi({ ...admin.credentials, server: `https://${LOOPBACK}:${port}` });
  try {
    await waitComponentReady(supervisor, name, timeoutMs, async () => (await own.text("/healthz")) === "ok");
  } finally {
    own.close();
  }
}

function runningPids(supervisor: Supervisor): Record<ComponentName, number> {
  const pids = {} as Record<ComponentName, number>;
  for (const name of COMPONENTS) {
    const pid = supervisor.pid(name);
    if (pid === undefined) throw new Error(`${name} is not running`);
    pids[name] = pid;
  }
  return pids;
}

async function stopControlPlane(supervisor: Supervisor, admin: KubeApi, dir: string): Promise<void> {
  // Asked while the API server still answers; a cluster that cannot tell leaves its volumes, never a stranger's.
  const volumes = await provisionedDirectories(admin).catch(() => []);
  admin.close();
  await stopInReverseOrder(supervisor);
  removeDirectories(volumes);
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The API server's clients first, then the API server, then etcd, and the watchdog last. An API server whose
 * etcd is gone does not finish its shutdown and waits for the SIGKILL (11 s); with etcd up it exits in a second.
 */
async function stopInReverseOrder(supervisor: Supervisor): Promise<void> {
  const clients: ComponentName[] = ["kube-controller-manager", "kube-scheduler", "kwok"];
  await Promise.all(clients.map((name) => supervisor.stop(name)));
  await supervisor.stop("kube-apiserver");
  await supervisor.stop("etcd");
  await supervisor.stopAll();
}
