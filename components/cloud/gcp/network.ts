import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { type GkeAddressPlan, hostCidrs } from "../../../builders/cloud/network";

export interface GcpNetworkArgs {
  readonly namePrefix: string;
  readonly region: string;
  readonly plan: GkeAddressPlan;
  /** One reserved egress address per zone, as on AWS: the NAT has headroom for ports and the set is stable. */
  readonly egressAddressCount: number;
  readonly provider: gcp.Provider;
}

/**
 * A custom-mode VPC with one VPC-native subnetwork (secondary ranges for pods and services) and a Cloud NAT
 * on reserved static addresses: private nodes reach the internet only through them, so the addresses are the
 * cluster's egress identity other stacks can allow.
 */
export class GcpNetwork extends pulumi.ComponentResource {
  readonly network: gcp.compute.Network;
  readonly subnetwork: gcp.compute.Subnetwork;
  readonly egressCidrs: pulumi.Output<string[]>;

  constructor(name: string, args: GcpNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:cloud:GcpNetwork", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const prefix = args.namePrefix;
    const { plan } = args;

    this.network = new gcp.compute.Network(
      `${prefix}-vpc`,
      { autoCreateSubnetworks: false, routingMode: "REGIONAL" },
      child,
    );
    this.subnetwork = new gcp.compute.Subnetwork(
      `${prefix}-nodes`,
      {
        network: this.network.id,
        region: args.region,
        ipCidrRange: plan.nodesCidr,
        secondaryIpRanges: [
          { rangeName: plan.podsRangeName, ipCidrRange: plan.podsCidr },
          { rangeName: plan.servicesRangeName, ipCidrRange: plan.servicesCidr },
        ],
        // Private nodes still pull from Artifact Registry and write logs through Google's private endpoints.
        privateIpGoogleAccess: true,
      },
      child,
    );

    const addresses = Array.from(
      { length: args.egressAddressCount },
      (_, i) =>
        new gcp.compute.Address(
          `${prefix}-nat-${i}`,
          { region: args.region, addressType: "EXTERNAL", networkTier: "PREMIUM" },
          child,
        ),
    );
    const router = new gcp.compute.Router(`${prefix}-router`, { network: this.network.id, region: args.region }, child);
    new gcp.compute.RouterNat(
      `${prefix}-nat`,
      {
        router: router.name,
        region: args.region,
        natIpAllocateOption: "MANUAL_ONLY",
        natIps: addresses.map((a) => a.selfLink),
        sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
        subnetworks: [{ name: this.subnetwork.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
        logConfig: { enable: true, filter: "ERRORS_ONLY" },
      },
      child,
    );

    this.egressCidrs = pulumi.all(addresses.map((a) => a.address)).apply(hostCidrs);
    this.registerOutputs({
      networkId: this.network.id,
      subnetworkId: this.subnetwork.id,
      egressCidrs: this.egressCidrs,
    });
  }
}
