/**
 * How many nodes of one machine type a region's monitoring pods need: the count a cost estimate and the
 * cluster's `minNodes` start from (./README.md, "Nodes").
 */

export interface PodRequest {
  /** Pods of one group never share a node (the workloads' required anti-affinity: the replicas of a shard, the store gateways). */
  readonly group: string;
  readonly cpuCores: number;
  readonly memoryBytes: number;
}

export interface NodeRoom {
  readonly cpuCores: number;
  readonly memoryBytes: number;
}

/**
 * First-fit decreasing by memory, the scheduler's packing at its tightest: each node first runs one pod of
 * every DaemonSet (`perNode`), then takes the largest pods that fit and whose group it does not run yet. At
 * least `minNodes` (the zones the pods spread over). A pod larger than one node's room is an error: config
 * validation (config/rules.ts) refuses such a machine type before this is asked.
 */
export function nodesFor(pods: readonly PodRequest[], room: NodeRoom, perNode: NodeRoom, minNodes: number): number {
  const free = { cpuCores: room.cpuCores - perNode.cpuCores, memoryBytes: room.memoryBytes - perNode.memoryBytes };
  const nodes: { cpuCores: number; memoryBytes: number; groups: Set<string> }[] = [];
  for (const pod of [...pods].sort((a, b) => b.memoryBytes - a.memoryBytes || b.cpuCores - a.cpuCores)) {
    if (pod.cpuCores > free.cpuCores || pod.memoryBytes > free.memoryBytes) {
      throw new Error(
        `sizing: a ${pod.group} pod (${pod.cpuCores} cores, ${Math.ceil(pod.memoryBytes / 2 ** 20)} MiB) is larger than one node's room`,
      );
    }
    let node = nodes.find(
      (n) => !n.groups.has(pod.group) && n.cpuCores >= pod.cpuCores && n.memoryBytes >= pod.memoryBytes,
    );
    if (!node) {
      node = { ...free, groups: new Set() };
      nodes.push(node);
    }
    node.cpuCores -= pod.cpuCores;
    node.memoryBytes -= pod.memoryBytes;
    node.groups.add(pod.group);
  }
  return Math.max(minNodes, nodes.length);
}
