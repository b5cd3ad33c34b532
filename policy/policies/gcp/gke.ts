import type { ResourceValidationPolicy } from "@pulumi/policy";
import { propertyPolicy } from "../../lib/policy";
import { GCP } from "../../lib/types";

const GKE = [GCP.gkeCluster];

export const gkePrivateNodes = propertyPolicy({
  name: "gke-private-nodes",
  description: "GKE nodes have internal addresses only.",
  types: GKE,
  violations: (cluster) =>
    cluster.privateClusterConfig?.enablePrivateNodes === true
      ? undefined
      : "GKE cluster must set privateClusterConfig.enablePrivateNodes: true",
});

export const gkeWorkloadIdentity = propertyPolicy({
  name: "gke-workload-identity",
  description: "GKE clusters run Workload Identity, so pods reach GCP without node or static keys.",
  types: GKE,
  violations: (cluster) => {
    const pool = cluster.workloadIdentityConfig?.workloadPool;
    return typeof pool === "string" && pool !== ""
      ? undefined
      : 'GKE cluster must set workloadIdentityConfig.workloadPool ("<project>.svc.id.goog")';
  },
});

export const gkeReleaseChannel = propertyPolicy({
  name: "gke-release-channel",
  description: "GKE clusters are enrolled in a release channel.",
  types: GKE,
  violations: (cluster) => {
    const channel = cluster.releaseChannel?.channel;
    return typeof channel === "string" && channel !== "UNSPECIFIED"
      ? undefined
      : `GKE cluster must set releaseChannel.channel to RAPID, REGULAR, STABLE or EXTENDED (got ${String(channel)})`;
  },
});

export const gkePolicies: ResourceValidationPolicy[] = [gkePrivateNodes, gkeWorkloadIdentity, gkeReleaseChannel];
