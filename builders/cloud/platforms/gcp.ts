import { METADATA_CIDRS, tcp } from "../../k8s/network-peers";
import { gkeExecCredential } from "../kubeconfig";
import { gkeAddressPlan } from "../network";
import { gcsLocation } from "../object-store";
import type { PlatformTraits } from "../platforms";

export const GCP_PLATFORM: PlatformTraits = {
  checkNodeAddresses: (cluster, _machine, fail) => {
    const plan = gkeAddressPlan(cluster.vpcCidr);
    if (cluster.nodes.maxNodes > plan.maxNodes) {
      fail(
        ["cluster", "nodes", "maxNodes"],
        `at most ${plan.maxNodes}: GKE gives each node a /24 of the pods range ${plan.podsCidr}, which holds ${plan.maxNodes} of them`,
      );
    }
  },
  // The default external passthrough load balancer already honours the source ranges.
  loadBalancerAnnotations: {},
  // The passthrough load balancer keeps the client's address, so from outside the node and pod ranges (its
  // health checks go to the nodes, not the pods).
  loadBalancerPeers: (vpcCidr) => {
    const plan = gkeAddressPlan(vpcCidr);
    return [{ ipBlock: { cidr: "0.0.0.0/0", except: [plan.nodesCidr, plan.podsCidr, METADATA_CIDRS.ipv4] } }];
  },
  // Workload Identity: the GKE metadata server answers there on 80 (and on 988 under Dataplane V2).
  identityMetadataEgress: () => [{ to: [{ ipBlock: { cidr: METADATA_CIDRS.ipv4 } }], ports: [tcp(80), tcp(988)] }],
  provisioned: {
    storageClass: { provisioner: "pd.csi.storage.gke.io", parameters: { type: "pd-ssd" } },
    objectStore: (bucket) => gcsLocation(bucket),
    execCredential: () => gkeExecCredential(),
  },
};
