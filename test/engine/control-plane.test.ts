/**
 * One local control plane, driven through its API as the Pulumi Kubernetes provider drives it: the workloads
 * of the program's shapes must become ready on KWOK's fake nodes, spread over the zones, with bound volumes;
 * stopping it must leave no process and no directory behind.
 */
import * as assert from "node:assert";
import * as fs from "node:fs";
import { ZONES, nodeName } from "../../local/engine/cluster-objects";
import { type ControlPlane, startControlPlane } from "../../local/engine/control-plane";
import { provisionedDirectories } from "../../local/engine/hostpath-volumes";
import { KubeApi } from "../../local/engine/kube-api";
import { PortAllocator } from "../../local/ports";
import { waitFor } from "../../local/wait";
import { controlPlaneTools } from "../support/engine-binaries";
import { e2eBasePort } from "../support/ports";
import * as workloads from "./smoke-workloads";

const READY_TIMEOUT_MS = 120_000;
const ns = `/namespaces/${workloads.NAMESPACE}`;

interface Pod {
  readonly metadata: { readonly labels?: Record<string, string> };
  readonly spec: { readonly nodeName?: string };
}
interface Status {
  readonly status?: Record<string, number | string | undefined>;
}

/** Resident memory of a process in MiB, from /proc (Linux). */
function rssMiB(pid: number): number {
  const kib = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Math.round(Number(kib) / 1024);
}

function printRss(when: string, pids: Readonly<Record<string, number>>): void {
  const each = Object.entries(pids).map(([name, pid]) => [name, rssMiB(pid)] as const);
  const total = each.reduce((sum, [, mib]) => sum + mib, 0);
  console.log(`    RSS ${when}: ${total} MiB (${each.map(([name, mib]) => `${name} ${mib}`).join(", ")})`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("local Kubernetes control plane", () => {
  let controlPlane: ControlPlane;
  let api: KubeApi;

  before(async function () {
    this.timeout(READY_TIMEOUT_MS * 3);
    const started = Date.now();
    controlPlane = await startControlPlane({
      ...controlPlaneTools(),
      ports: new PortAllocator(e2eBasePort(16443)),
      log: console.log,
    });
    console.log(`    started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    printRss("after start", controlPlane.pids);
    api = new KubeApi(controlPlane.admin);
  });

  after(async function () {
    this.timeout(60_000);
    api?.close();
    await controlPlane?.stop();
  });

  it("writes an admin kubeconfig that names its API server and embeds its credentials", () => {
    assert.strictEqual(fs.readFileSync(controlPlane.kubeconfigPath, "utf8"), controlPlane.kubeconfig);
    assert.match(controlPlane.kubeconfig, new RegExp(`server: ${controlPlane.apiServerUrl}\\n`));
    assert.match(controlPlane.kubeconfig, /client-certificate-data: /);
    assert.match(controlPlane.apiServerUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it("runs a Deployment, a StatefulSet with volumes, a DaemonSet and a Service on the zones' fake nodes", async function () {
    this.timeout(READY_TIMEOUT_MS + 30_000);
    await api.create("/api/v1/namespaces", workloads.namespace);
    await api.create(`/apis/apps/v1${ns}/deployments`, workloads.deployment);
    await api.create(`/apis/apps/v1${ns}/statefulsets`, workloads.statefulSet);
    await api.create(`/apis/apps/v1${ns}/daemonsets`, workloads.daemonSet);
    await api.create(`/api/v1${ns}/services`, workloads.service);
    await api.create(`/api/v1${ns}/services`, workloads.headlessService);

    const replicasReady = async (path: string, want: number) =>
      (await api.get<Status>(path)).status?.readyReplicas === want;
    await waitFor("the Deployment and the StatefulSet to have every replica ready", READY_TIMEOUT_MS, async () =>
      (await replicasReady(`/apis/apps/v1${ns}/deployments/web`, 2)) &&
      (await replicasReady(`/apis/apps/v1${ns}/statefulsets/db`, 2))
        ? true
        : undefined,
    );
    await waitFor("the DaemonSet to have a ready pod on each node", READY_TIMEOUT_MS, async () => {
      const status = (await api.get<Status>(`/apis/apps/v1${ns}/daemonsets/agent`)).status;
      return status?.desiredNumberScheduled === ZONES.length && status?.numberReady === ZONES.length ? true : undefined;
    });

    const claims = await api.get<{ items: { status: { phase: string } }[] }>(`/api/v1${ns}/persistentvolumeclaims`);
    assert.deepStrictEqual(
      claims.items.map((c) => c.status.phase),
      ["Bound", "Bound"],
    );

    const pods = (await api.get<{ items: Pod[] }>(`/api/v1${ns}/pods`)).items;
    const nodesOf = (app: string) =>
      pods
        .filter((p) => p.metadata.labels?.app === app)
        .map((p) => p.spec.nodeName ?? "unscheduled")
        .sort();
    const zoneNodes = ZONES.map(nodeName);
    assert.deepStrictEqual(nodesOf("agent"), zoneNodes);
    for (const app of ["web", "db"]) {
      const nodes = nodesOf(app);
      assert.strictEqual(new Set(nodes).size, 2, `${app} replicas share a zone: ${nodes.join(", ")}`);
      assert.ok(
        nodes.every((n) => zoneNodes.includes(n)),
        `${app} runs off the fake nodes: ${nodes.join(", ")}`,
      );
    }

    await waitFor("the Service to list both ready replicas", 30_000, async () => {
      const slices = await api.get<{ items: { endpoints?: { conditions?: { ready?: boolean } }[] }[] }>(
        `/apis/discovery.k8s.io/v1${ns}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb`,
      );
      return slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).length === 2
        ? true
        : undefined;
    });
    printRss("with the workloads running", controlPlane.pids);
  });

  it("stops every process by pid and removes its directory and the volumes it provisioned", async function () {
    this.timeout(60_000);
    const pids = Object.values(controlPlane.pids);
    const volumes = await provisionedDirectories(api);
    assert.strictEqual(volumes.length, 2, `provisioned: ${volumes.join(", ")}`);
    await controlPlane.stop();
    assert.deepStrictEqual(pids.filter(isAlive), []);
    assert.deepStrictEqual(
      [controlPlane.dir, ...volumes].filter((dir) => fs.existsSync(dir)),
      [],
    );
  });
});
