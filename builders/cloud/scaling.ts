import type { NodePoolSettings } from "../../config/types";

export interface NodeGroupScaling {
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
}

/**
 * `cluster.nodes.minNodes/maxNodes` are totals for the cluster. EKS gets one node group per zone (the cluster
 * autoscaler can then add a node in the zone where a pending pod's EBS volume lives), so each group takes an
 * equal share, rounded up: a zone never has fewer nodes than its share of the minimum.
 */
export function perZoneScaling(nodes: NodePoolSettings, zoneCount: number): NodeGroupScaling {
  const minSize = Math.ceil(nodes.minNodes / zoneCount);
  return { minSize, desiredSize: minSize, maxSize: Math.max(minSize, Math.ceil(nodes.maxNodes / zoneCount)) };
}

/** The label every EKS node group puts on its nodes: the zone the group lives in. */
export const NODE_ZONE_LABEL = "monitoring/zone";
