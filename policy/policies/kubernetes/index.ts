import type { Policies } from "@pulumi/policy";
import { haReplicas, podDisruptionBudgets } from "./availability";
import { sidecarBlockDurations } from "./block-durations";
import { oneCompactorPerBucket } from "./compactors";
import { containerPolicies } from "./containers";
import { loadBalancerServed, loadBalancerSourceRanges } from "./load-balancers";
import { monitoringNetworkPolicies } from "./network-policies";
import { receiveReplication } from "./receive";
import { nativeHistogramScraping } from "./histograms";
import { uniqueReplicaLabels } from "./replica-labels";
import { egressBlocksMetadata, noNodeProxy, noRemoteLifecycle } from "./security";
import { emptyDirSizeLimit } from "./volumes";

export const kubernetesPolicies: Policies = [
  ...containerPolicies,
  haReplicas,
  podDisruptionBudgets,
  oneCompactorPerBucket,
  sidecarBlockDurations,
  receiveReplication,
  uniqueReplicaLabels,
  nativeHistogramScraping,
  loadBalancerSourceRanges,
  loadBalancerServed,
  monitoringNetworkPolicies,
  noNodeProxy,
  noRemoteLifecycle,
  egressBlocksMetadata,
  emptyDirSizeLimit,
];
