/** Command lines of the region's exporters. */
import { PORTS } from "./layout";

/** Where node-exporter sees the host's filesystems (read-only hostPath mounts). */
export const NODE_EXPORTER_HOST_PATHS = { proc: "/host/proc", sys: "/host/sys", root: "/host/root" } as const;

export function nodeExporterArgs(): string[] {
  return [
    `--path.procfs=${NODE_EXPORTER_HOST_PATHS.proc}`,
    `--path.sysfs=${NODE_EXPORTER_HOST_PATHS.sys}`,
    `--path.rootfs=${NODE_EXPORTER_HOST_PATHS.root}`,
    `--web.listen-address=:${PORTS.nodeExporter}`,
    // Kubelet's and the runtime's per-pod mounts would add a filesystem series set per pod.
    "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|var/lib/kubelet/.+|var/lib/containerd/.+|var/lib/docker/.+)($|/)",
  ];
}

/**
 * The objects kube-state-metrics reports on: its defaults less Secrets and ConfigMaps, whose metadata it
 * has no business reading (its RBAC grants exactly this list).
 */
export const KUBE_STATE_METRICS_RESOURCES = {
  "": [
    "nodes",
    "pods",
    "services",
    "resourcequotas",
    "replicationcontrollers",
    "limitranges",
    "persistentvolumeclaims",
    "persistentvolumes",
    "namespaces",
  ],
  apps: ["statefulsets", "daemonsets", "deployments", "replicasets"],
  batch: ["cronjobs", "jobs"],
  autoscaling: ["horizontalpodautoscalers"],
  policy: ["poddisruptionbudgets"],
  "certificates.k8s.io": ["certificatesigningrequests"],
  "discovery.k8s.io": ["endpointslices"],
  "storage.k8s.io": ["storageclasses", "volumeattachments"],
  "networking.k8s.io": ["networkpolicies", "ingresses"],
  "coordination.k8s.io": ["leases"],
} as const;

export function kubeStateMetricsArgs(): string[] {
  const resources = Object.values(KUBE_STATE_METRICS_RESOURCES).flat().sort();
  return [
    `--port=${PORTS.kubeStateMetrics}`,
    `--telemetry-port=${PORTS.kubeStateMetricsTelemetry}`,
    `--resources=${resources.join(",")}`,
  ];
}
