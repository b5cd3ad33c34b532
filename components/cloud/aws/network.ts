import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsSubnetPlan, hostCidrs } from "../../../builders/cloud/network";

export interface AwsNetworkArgs {
  readonly namePrefix: string;
  /** The EKS cluster whose load balancers the subnets carry (the cloud provider looks subnets up by this tag). */
  readonly clusterName: string;
  readonly vpcCidr: string;
  readonly zones: readonly string[];
  readonly provider: aws.Provider;
}

/**
 * A VPC with a public and a private subnet in every zone. Nodes live in the private subnets and leave through
 * a NAT gateway in their own zone, so losing a zone never cuts the egress of the others.
 */
export class AwsNetwork extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  /** In zone order. */
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly publicSubnetIds: pulumi.Output<string>[];
  /** The NAT gateways' Elastic IPs as /32 CIDRs. */
  readonly egressCidrs: pulumi.Output<string[]>;

  constructor(name: string, args: AwsNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:cloud:AwsNetwork", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const prefix = args.namePrefix;
    const tags = (resource: string, extra: Record<string, string> = {}) => ({
      Name: `${prefix}-${resource}`,
      ...extra,
    });
    // Shared: the VPC outlives no cluster, but the tag marks the subnets as the cluster's to place load balancers in.
    const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };

    const vpc = new aws.ec2.Vpc(
      `${prefix}-vpc`,
      {
        cidrBlock: args.vpcCidr,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: tags("vpc"),
      },
      child,
    );
    const gateway = new aws.ec2.InternetGateway(`${prefix}-igw`, { vpcId: vpc.id, tags: tags("igw") }, child);
    const publicRoutes = new aws.ec2.RouteTable(
      `${prefix}-public`,
      {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }],
        tags: tags("public"),
      },
      child,
    );

    const zones = awsSubnetPlan(args.vpcCidr, args.zones).map((plan) => {
      const zoneName = `${prefix}-${plan.zone}`;
      const publicSubnet = new aws.ec2.Subnet(
        `${zoneName}-public`,
        {
          vpcId: vpc.id,
          cidrBlock: plan.publicCidr,
          availabilityZone: plan.zone,
          // Only NAT gateways and load balancers live here; they get their addresses explicitly.
          mapPublicIpOnLaunch: false,
          tags: tags(`${plan.zone}-public`, { "kubernetes.io/role/elb": "1", ...clusterTag }),
        },
        child,
      );
      new aws.ec2.RouteTableAssociation(
        `${zoneName}-public`,
        { subnetId: publicSubnet.id, routeTableId: publicRoutes.id },
        child,
      );

      const egressIp = new aws.ec2.Eip(`${zoneName}-nat`, { domain: "vpc", tags: tags(`${plan.zone}-nat`) }, child);
      const nat = new aws.ec2.NatGateway(
        `${zoneName}-nat`,
        {
          allocationId: egressIp.id,
          subnetId: publicSubnet.id,
          tags: tags(`${plan.zone}-nat`),
        },
        { ...child, dependsOn: [gateway] },
      );

      const privateSubnet = new aws.ec2.Subnet(
        `${zoneName}-private`,
        {
          vpcId: vpc.id,
          cidrBlock: plan.privateCidr,
          availabilityZone: plan.zone,
          mapPublicIpOnLaunch: false,
          tags: tags(`${plan.zone}-private`, { "kubernetes.io/role/internal-elb": "1", ...clusterTag }),
        },
        child,
      );
      const privateRoutes = new aws.ec2.RouteTable(
        `${zoneName}-private`,
        {
          vpcId: vpc.id,
          routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
          tags: tags(`${plan.zone}-private`),
        },
        child,
      );
      new aws.ec2.RouteTableAssociation(
        `${zoneName}-private`,
        { subnetId: privateSubnet.id, routeTableId: privateRoutes.id },
        child,
      );
      return { publicSubnet, privateSubnet, egressIp };
    });

    this.vpcId = vpc.id;
    this.privateSubnetIds = zones.map((z) => z.privateSubnet.id);
    this.publicSubnetIds = zones.map((z) => z.publicSubnet.id);
    this.egressCidrs = pulumi.all(zones.map((z) => z.egressIp.publicIp)).apply(hostCidrs);
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, egressCidrs: this.egressCidrs });
  }
}
