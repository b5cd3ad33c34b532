/**
 * Address plans carved from the stack's `cluster.vpcCidr` (a private /16, `10.N.0.0/16`), so two regions
 * that are ever peered never overlap as long as their stacks pick different /16s.
 */

export const MAX_ZONES = 6;

function secondOctet(vpcCidr: string): number {
  const match = /^10\.(\d{1,3})\.0\.0\/16$/.exec(vpcCidr);
  if (!match || Number(match[1]) > 255)
    throw new Error(`network plan: cluster.vpcCidr '${vpcCidr}' is not a private /16 such as 10.20.0.0/16`);
  return Number(match[1]);
}

export interface ZoneSubnets {
  readonly zone: string;
  /** Nodes and pods (the VPC CNI gives pods VPC addresses): a /19 per zone. */
  readonly privateCidr: string;
  /** NAT gateways and internet-facing load balancers: a /24 per zone. */
  readonly publicCidr: string;
}

/** AWS: one private /19 and one public /24 per zone, in zone order. */
export function awsSubnetPlan(vpcCidr: string, zones: readonly string[]): ZoneSubnets[] {
  const n = secondOctet(vpcCidr);
  if (zones.length > MAX_ZONES)
    throw new Error(
      `network plan: ${zones.length} zones in cluster.zones; the /16 holds subnets for at most ${MAX_ZONES}`,
    );
  return zones.map((zone, i) => ({
    zone,
    privateCidr: `10.${n}.${i * 32}.0/19`,
    publicCidr: `10.${n}.${192 + i}.0/24`,
  }));
}

export interface GkeAddressPlan {
  readonly nodesCidr: string;
  readonly podsRangeName: string;
  readonly podsCidr: string;
  readonly servicesRangeName: string;
  readonly servicesCidr: string;
  /** The control plane's private range; it only has to be unique within the VPC. */
  readonly masterCidr: string;
  /** GKE gives each node a /24 of the pods range (110 pods): the range caps the node count. */
  readonly maxNodes: number;
}

/** GCP: nodes, services and a /17 of pods in the /16, each a VPC-native range of one subnetwork. */
export function gkeAddressPlan(vpcCidr: string): GkeAddressPlan {
  const n = secondOctet(vpcCidr);
  return {
    nodesCidr: `10.${n}.0.0/20`,
    servicesRangeName: "services",
    servicesCidr: `10.${n}.16.0/20`,
    podsRangeName: "pods",
    podsCidr: `10.${n}.128.0/17`,
    masterCidr: "172.16.0.0/28",
    maxNodes: 128,
  };
}

/** Egress addresses as the /32 CIDRs firewalls and security groups take. */
export function hostCidrs(addresses: readonly string[]): string[] {
  return addresses.map((address) => `${address}/32`);
}
