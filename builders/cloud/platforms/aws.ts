import { METADATA_CIDRS } from "../../k8s/network-peers";
import { eksExecCredential } from "../kubeconfig";
import { MAX_ZONES, awsSubnetPlan } from "../network";
import { s3Location } from "../object-store";
import type { PlatformTraits } from "../platforms";

export const AWS_PLATFORM: PlatformTraits = {
  checkNodeAddresses: (cluster, machine, fail) => {
    const zones = new Set(cluster.zones);
    if (zones.size > MAX_ZONES)
      fail(
        ["cluster", "zones"],
        `at most ${MAX_ZONES} zones: the VPC's /16 holds a private and a public subnet for each of ${MAX_ZONES}`,
      );
    // The VPC CNI gives every pod an address of its node's subnet; AWS keeps five addresses of each subnet.
    const [plan] = awsSubnetPlan(cluster.vpcCidr, cluster.zones);
    const prefix = Number(plan.privateCidr.split("/")[1]);
    const usable = 2 ** (32 - prefix) - 5;
    const perNode = machine.maxPods + 1;
    const perZone = Math.ceil(cluster.nodes.maxNodes / zones.size);
    if (perZone * perNode > usable) {
      const most = Math.floor(usable / perNode) * zones.size;
      fail(
        ["cluster", "nodes", "maxNodes"],
        `at most ${most}: each zone's /${prefix} subnet has ${usable} addresses and one ${cluster.nodes.machineType} node takes ${perNode} (itself and ${machine.maxPods} pods)`,
      );
    }
  },
  // The service controller EKS runs in its control plane (the AWS cloud provider) makes an internet-facing
  // NLB with instance targets and admits the source ranges in the nodes' security group;
  // `aws-load-balancer-type: external` would hand the Service to the AWS Load Balancer Controller instead,
  // which EKS does not run, and the Service would never get an address.
  loadBalancerAnnotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" },
  // From outside the VPC when the NLB keeps the client's address (`externalTrafficPolicy: Local`), and from
  // the NLB's own addresses in the public subnets when it targets pod IPs without keeping it (its health
  // checks too).
  loadBalancerPeers: (vpcCidr, zones) => [
    { ipBlock: { cidr: "0.0.0.0/0", except: [vpcCidr, METADATA_CIDRS.ipv4] } },
    ...awsSubnetPlan(vpcCidr, zones).map((z) => ({ ipBlock: { cidr: z.publicCidr } })),
  ],
  // IRSA: the SDK trades the projected token at STS over 443, so the metadata address stays blocked.
  identityMetadataEgress: () => [],
  provisioned: {
    storageClass: { provisioner: "ebs.csi.aws.com", parameters: { type: "gp3", encrypted: "true" } },
    objectStore: s3Location,
    execCredential: eksExecCredential,
  },
};
