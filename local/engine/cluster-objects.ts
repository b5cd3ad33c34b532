import { KWOK_NODE_ANNOTATION } from "./components";
import type { KubeApi } from "./kube-api";

/** One fake node per zone, as the program's zone spread and anti-affinity expect of a regional cluster. */
export const ZONES = ["zone-a", "zone-b", "zone-c"] as const;

export const STANDARD_STORAGE_CLASS = "standard";

/** Room for a whole monitoring stack on each node: the scheduler checks requests against these. */
const NODE_RESOURCES = { cpu: "64", memory: "256Gi", pods: "110", "ephemeral-storage": "1Ti" } as const;

export const nodeName = (zone: string) => `kwok-${zone}`;

/**
 * A node that KWOK manages (its annotation) in a zone. Its address is reserved for documentation (RFC 5737):
 * host-network pods take it as their IP, and nothing dials it.
 */
export function fakeNode(zone: string, index: number): object {
  const name = nodeName(zone);
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "topology.kubernetes.io/zone": zone,
        type: "kwok",
      },
      annotations: { [KWOK_NODE_ANNOTATION.key]: KWOK_NODE_ANNOTATION.value },
    },
    status: {
      allocatable: NODE_RESOURCES,
      capacity: NODE_RESOURCES,
      addresses: [
        { type: "InternalIP", address: `192.0.2.${index + 1}` },
        { type: "Hostname", address: name },
      ],
    },
  };
}

/** The default class: the controller-manager's host-path provisioner binds its claims at once. */
export function standardStorageClass(): object {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: STANDARD_STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: "kubernetes.io/host-path",
    reclaimPolicy: "Delete",
    volumeBindingMode: "Immediate",
  };
}

/** Creates the fake nodes and the storage class of a fresh cluster. */
export async function createClusterObjects(api: KubeApi): Promise<void> {
  await Promise.all([
    ...ZONES.map((zone, i) => api.create("/api/v1/nodes", fakeNode(zone, i))),
    api.create("/apis/storage.k8s.io/v1/storageclasses", standardStorageClass()),
  ]);
}

interface NodeList {
  readonly items: readonly {
    readonly metadata: { readonly name: string };
    readonly status?: { readonly conditions?: readonly { type: string; status: string }[] };
  }[];
}

/** The fake nodes KWOK has not made Ready yet (all of them until it runs). */
export async function unreadyNodes(api: KubeApi): Promise<string[]> {
  const nodes = await api.get<NodeList>("/api/v1/nodes");
  const ready = new Set(
    nodes.items
      .filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"))
      .map((n) => n.metadata.name),
  );
  return ZONES.map(nodeName).filter((name) => !ready.has(name));
}
