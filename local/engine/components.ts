import * as path from "node:path";
import { address, LOOPBACK } from "../ports";
import type { ProcessSpec } from "../supervisor";
import { CONTROL_PLANE_USERS, type ControlPlanePki } from "./control-plane-pki";

/** Where the caller found each binary (the pinned etcd, Kubernetes and KWOK builds). */
export interface ControlPlaneBinaries {
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly kubeScheduler: string;
  readonly kwok: string;
}

export interface ControlPlanePorts {
  readonly etcdClient: number;
  readonly etcdPeer: number;
  readonly apiServer: number;
  readonly controllerManager: number;
  readonly scheduler: number;
}

/** Everything the command lines refer to: binaries, ports and files of one control plane. */
export interface ControlPlaneLayout {
  readonly dir: string;
  readonly binaries: ControlPlaneBinaries;
  readonly ports: ControlPlanePorts;
  readonly pki: ControlPlanePki;
  readonly kubeconfigs: { readonly controllerManager: string; readonly scheduler: string; readonly kwok: string };
  /** The KWOK stage files to load, in order. */
  readonly kwokStages: readonly string[];
}

export const COMPONENTS = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"] as const;
export type ComponentName = (typeof COMPONENTS)[number];

/** The annotation KWOK is told to manage nodes by; the fake nodes carry it. */
export const KWOK_NODE_ANNOTATION = { key: "kwok.x-k8s.io/node", value: "fake" } as const;

/**
 * Addresses reserved for documentation (RFC 5737), never routed: pod and node IPs are only data here, and if
 * anything ever dialled one by mistake it would reach no host.
 */
export const FAKE_POD_CIDR = "198.51.100.0/24";

/** Seconds of a fake node's lease; KWOK renews it, so the node lifecycle controller sees the node alive. */
const NODE_LEASE_SECONDS = 40;

const SERVICE_CLUSTER_IP_RANGE = "10.96.0.0/16";

const url = (port: number) => `http://${address(port)}`;

function etcd(l: ControlPlaneLayout): ProcessSpec {
  const peer = url(l.ports.etcdPeer);
  const client = url(l.ports.etcdClient);
  return {
    name: "etcd",
    command: l.binaries.etcd,
    args: [
      "--name=local",
      `--data-dir=${path.join(l.dir, "etcd")}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=local=${peer}`,
      // A throwaway test cluster: losing its data to a power cut costs nothing, waiting on fsync costs every write.
      "--unsafe-no-fsync",
    ],
  };
}

function kubeApiserver(l: ControlPlaneLayout): ProcessSpec {
  const { pki } = l;
  return {
    name: "kube-apiserver",
    command: l.binaries.kubeApiserver,
    args: [
      `--etcd-servers=${url(l.ports.etcdClient)}`,
      `--bind-address=${LOOPBACK}`,
      `--advertise-address=${LOOPBACK}`,
      // The lease reconciler would publish the advertise address as the `kubernetes` Service's endpoint, and a
      // loopback address is not a valid endpoint; nothing in these clusters runs in a pod to use it.
      "--endpoint-reconciler-type=none",
      `--secure-port=${l.ports.apiServer}`,
      `--tls-cert-file=${pki.serving.cert}`,
      `--tls-private-key-file=${pki.serving.key}`,
      `--client-ca-file=${pki.ca.cert}`,
      "--authorization-mode=Node,RBAC",
      `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
      `--service-account-key-file=${pki.serviceAccount.publicKey}`,
      `--service-account-signing-key-file=${pki.serviceAccount.privateKey}`,
      `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
      ...aggregationArgs(pki),
      // EKS and GKE admit privileged and host-namespace pods (the node-exporter DaemonSet is one); so does this.
      "--allow-privileged=true",
    ],
  };
}

/**
 * The aggregation layer as kubeadm sets it up. Without a request-header CA the controller-manager and the
 * scheduler log an error on every read of the authentication config map, and no aggregated API could serve.
 */
function aggregationArgs(pki: ControlPlanePki): string[] {
  return [
    `--requestheader-client-ca-file=${pki.frontProxyCa.cert}`,
    `--requestheader-allowed-names=${CONTROL_PLANE_USERS.frontProxy}`,
    "--requestheader-username-headers=X-Remote-User",
    "--requestheader-group-headers=X-Remote-Group",
    "--requestheader-extra-headers-prefix=X-Remote-Extra-",
    `--proxy-client-cert-file=${pki.frontProxyClient.cert}`,
    `--proxy-client-key-file=${pki.frontProxyClient.key}`,
  ];
}

/** Serving flags shared by the controller-manager and the scheduler: health on loopback, the cluster's CA and certificate. */
function servingArgs(l: ControlPlaneLayout, port: number, kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    // Without these the component cannot check who calls its own port; with them /healthz stays open (the
    // default always-allowed paths) and everything else needs a credential the API server vouches for.
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    `--bind-address=${LOOPBACK}`,
    `--secure-port=${port}`,
    `--tls-cert-file=${l.pki.serving.cert}`,
    `--tls-private-key-file=${l.pki.serving.key}`,
    // One instance per cluster: leader election would only add a lease round trip and a wait on restart.
    "--leader-elect=false",
  ];
}

function kubeControllerManager(l: ControlPlaneLayout): ProcessSpec {
  return {
    name: "kube-controller-manager",
    command: l.binaries.kubeControllerManager,
    args: [
      ...servingArgs(l, l.ports.controllerManager, l.kubeconfigs.controllerManager),
      // Binds PVCs of the `standard` class to host-path volumes under /tmp, as a cloud's CSI driver would bind disks.
      "--enable-hostpath-provisioner=true",
      // Each controller acts as its own service account, so RBAC sees them as a real cluster does.
      "--use-service-account-credentials=true",
      `--service-account-private-key-file=${l.pki.serviceAccount.privateKey}`,
      `--root-ca-file=${l.pki.ca.cert}`,
    ],
  };
}

function kubeScheduler(l: ControlPlaneLayout): ProcessSpec {
  return {
    name: "kube-scheduler",
    command: l.binaries.kubeScheduler,
    args: servingArgs(l, l.ports.scheduler, l.kubeconfigs.scheduler),
  };
}

function kwok(l: ControlPlaneLayout): ProcessSpec {
  return {
    name: "kwok",
    command: l.binaries.kwok,
    args: [
      `--kubeconfig=${l.kubeconfigs.kwok}`,
      ...l.kwokStages.map((file) => `--config=${file}`),
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION.key}=${KWOK_NODE_ANNOTATION.value}`,
      `--node-lease-duration-seconds=${NODE_LEASE_SECONDS}`,
      `--cidr=${FAKE_POD_CIDR}`,
    ],
    // KWOK also loads ~/.kwok/kwok.yaml when it exists: a home of its own keeps a developer's kwokctl settings out.
    env: { ...process.env, HOME: l.dir },
  };
}

/** The command line of every component, in start order (each needs the ones before it). */
export function controlPlaneProcesses(l: ControlPlaneLayout): ProcessSpec[] {
  return [etcd(l), kubeApiserver(l), kubeControllerManager(l), kubeScheduler(l), kwok(l)];
}
