import { KUBE_DNS_PEER, tcp, udp } from "../k8s/network-peers";
import { type ClusterNetwork, workloadPolicySpec } from "../k8s/network-policies";
import { NODE_ZONE_LABEL } from "./scaling";
import type { KubernetesServiceAccountRef } from "./service-accounts";

/**
 * The Kubernetes cluster autoscaler for EKS managed node groups, as plain objects: its arguments and RBAC
 * rules, derived from the upstream AWS example and chart (kubernetes/autoscaler, cluster-autoscaler/
 * cloudprovider/aws and charts/cluster-autoscaler) and cut to what auto-discovery on AWS uses.
 */

export const CLUSTER_AUTOSCALER_NAME = "cluster-autoscaler";
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT: KubernetesServiceAccountRef = {
  namespace: "kube-system",
  name: CLUSTER_AUTOSCALER_NAME,
};
/** Where it serves /metrics and /health-check. */
export const CLUSTER_AUTOSCALER_PORT = 8085;

/** The tags EKS puts on the Auto Scaling group of every managed node group of a cluster. */
export function autoDiscoveryTags(clusterName: string): readonly string[] {
  return ["k8s.io/cluster-autoscaler/enabled", `k8s.io/cluster-autoscaler/${clusterName}`];
}

/**
 * Labels that differ between the per-zone node groups although the groups are alike. Without ignoring them
 * `--balance-similar-node-groups` sees three unlike groups and grows one zone only.
 */
export const ZONE_LABELS = [NODE_ZONE_LABEL, "topology.ebs.csi.aws.com/zone"] as const;

export function clusterAutoscalerArgs(clusterName: string): string[] {
  return [
    "--cloud-provider=aws",
    `--node-group-auto-discovery=asg:tag=${autoDiscoveryTags(clusterName).join(",")}`,
    // One node group per zone: keep the zones even, so a zone's loss leaves two thirds of the capacity.
    "--balance-similar-node-groups",
    ...ZONE_LABELS.map((label) => `--balancing-ignore-label=${label}`),
    "--expander=least-waste",
    // Grafana, Thanos and Prometheus keep scratch data in emptyDir; it must not pin a node forever.
    "--skip-nodes-with-local-storage=false",
    `--address=:${CLUSTER_AUTOSCALER_PORT}`,
    "--v=2",
  ];
}

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly verbs: readonly string[];
}

const READ = ["get", "list", "watch"] as const;

/** Cluster-wide: read what scheduling simulations need, evict pods and taint nodes when scaling down. */
export const CLUSTER_AUTOSCALER_CLUSTER_RULES: readonly PolicyRule[] = [
  { apiGroups: [""], resources: ["events", "endpoints"], verbs: ["create", "patch"] },
  { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
  { apiGroups: [""], resources: ["pods/status"], verbs: ["update"] },
  { apiGroups: [""], resources: ["endpoints"], resourceNames: [CLUSTER_AUTOSCALER_NAME], verbs: ["get", "update"] },
  { apiGroups: [""], resources: ["nodes"], verbs: [...READ, "update"] },
  {
    apiGroups: [""],
    resources: [
      "namespaces",
      "pods",
      "services",
      "replicationcontrollers",
      "persistentvolumeclaims",
      "persistentvolumes",
    ],
    verbs: READ,
  },
  { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: READ },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: ["list", "watch"] },
  { apiGroups: ["apps"], resources: ["daemonsets", "replicasets", "statefulsets"], verbs: READ },
  {
    apiGroups: ["storage.k8s.io"],
    resources: ["storageclasses", "csinodes", "csidrivers", "csistoragecapacities", "volumeattachments"],
    verbs: READ,
  },
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
  {
    apiGroups: ["coordination.k8s.io"],
    resources: ["leases"],
    resourceNames: [CLUSTER_AUTOSCALER_NAME],
    verbs: ["get", "update"],
  },
];

/** In its own namespace: the status ConfigMap it writes. */
export const CLUSTER_AUTOSCALER_NAMESPACE_RULES: readonly PolicyRule[] = [
  { apiGroups: [""], resources: ["configmaps"], verbs: ["create", "list", "watch"] },
  {
    apiGroups: [""],
    resources: ["configmaps"],
    resourceNames: ["cluster-autoscaler-status"],
    verbs: ["delete", "get", "update", "watch"],
  },
];

/**
 * The autoscaler's NetworkPolicy in kube-system, where no default deny of ours applies, so it names every
 * flow itself: HTTPS to the API server (443 behind EKS's endpoint, 6443 where a control plane listens on it)
 * and to the AWS APIs it calls (Auto Scaling, EC2, EKS, and STS for IRSA), whatever the cloud's identity
 * needs of the metadata address (the cloud's traits), and DNS. Nothing scrapes it (its pod carries no
 * `prometheus.io/scrape`), so nothing may connect to it; the kubelet's probes come from its node.
 */
export function clusterAutoscalerNetworkPolicySpec(
  selector: Readonly<Record<string, string>>,
  network: ClusterNetwork,
) {
  const spec = workloadPolicySpec(
    {
      selector,
      ingress: [],
      egress: [{ peers: ["internet"], ports: [{ port: 443 }, { port: 6443 }] }],
      cloudIdentity: true,
    },
    network,
  );
  return { ...spec, egress: [...spec.egress, { to: [KUBE_DNS_PEER], ports: [udp(53), tcp(53)] }] };
}

/** The autoscaler supports the Kubernetes minor it was released with; `1.33.0` -> `1.33`. */
export function requireMatchingMinor(autoscalerVersion: string, kubernetesVersion: string): void {
  const minor = autoscalerVersion.split(".").slice(0, 2).join(".");
  if (minor !== kubernetesVersion) {
    throw new Error(
      `the cluster autoscaler ${autoscalerVersion} (versions.ts) supports Kubernetes ${minor}, but cluster.kubernetesVersion is ${kubernetesVersion}: pin the autoscaler release of that minor`,
    );
  }
}
