import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import {
  CLUSTER_ROLE_POLICIES,
  EBS_CSI_POLICIES,
  EBS_CSI_SERVICE_ACCOUNT,
  NODE_ROLE_POLICIES,
  clusterEncryptionPolicy,
  irsaTrustPolicy,
  issuerHost,
  managedPolicyArn,
  serviceAssumeRolePolicy,
} from "../../../builders/cloud/aws-iam";
import { NODE_ZONE_LABEL, perZoneScaling } from "../../../builders/cloud/scaling";
import type { BaseStackConfig } from "../../../config";
import { clusterAccess } from "../cluster-access";
import type { KubernetesCluster } from "../types";
import { EksClusterAutoscaler } from "./cluster-autoscaler";
import { AwsNetwork } from "./network";

/** Every control-plane log type EKS offers; audit and authenticator logs are the ones an incident needs. */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

export interface EksClusterArgs {
  readonly config: BaseStackConfig;
  readonly provider: aws.Provider;
}

/**
 * An EKS cluster in its own VPC: API endpoint reachable privately and from `cluster.apiAllowedCidrs` only,
 * Secrets envelope-encrypted with a dedicated rotating KMS key, every control-plane log type on, one managed
 * node group per zone in the private subnets, NetworkPolicy enforcement (VPC CNI), the EBS CSI driver, an
 * OIDC provider so pods assume IAM roles (IRSA), metrics-server (for HPAs) and the cluster autoscaler.
 */
export class EksCluster extends pulumi.ComponentResource implements KubernetesCluster {
  readonly cloud = "aws" as const;
  readonly clusterName: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly egressCidrs: pulumi.Output<string[]>;
  readonly zones: readonly string[];
  readonly storageClassName: string;
  readonly workloadsReady: readonly pulumi.Resource[];
  readonly region: string;
  readonly vpcId: pulumi.Output<string>;
  readonly privateSubnetIds: pulumi.Output<string>[];
  /** The security group EKS attaches to the control plane and to every managed node: admit it to reach a database. */
  readonly clusterSecurityGroupId: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  /** The issuer URL without `https://`, as IRSA trust conditions name it. */
  readonly oidcIssuerHost: pulumi.Output<string>;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:cloud:EksCluster", name, {}, opts);
    const { config, provider } = args;
    const settings = config.cluster;
    const prefix = config.namePrefix;
    const child: ChildOptions = { parent: this, provider };

    const network = new AwsNetwork(
      `${prefix}-network`,
      { namePrefix: prefix, clusterName: settings.name, vpcCidr: settings.vpcCidr, zones: settings.zones, provider },
      { parent: this },
    );
    const cluster = controlPlane(prefix, settings, network, child);
    const oidc = irsaProvider(prefix, cluster, child);
    const nodeGroups = zoneNodeGroups(prefix, settings, cluster, network, child);
    const vpcCni = networkPolicyCni(prefix, cluster, child);
    const ebsCsi = ebsCsiDriver(prefix, cluster, oidc, nodeGroups, child);
    const access = clusterAccess(this, {
      namePrefix: prefix,
      cloud: this.cloud,
      region: config.region,
      endpoint: pulumi
        .all([cluster.name, cluster.endpoint, cluster.certificateAuthority])
        .apply(([clusterName, endpoint, ca]) => ({
          clusterName,
          endpoint,
          certificateAuthorityData: ca.data!,
        })),
    });
    // HPAs read pod CPU from the resource metrics API, which EKS serves only once metrics-server runs.
    new aws.eks.Addon(
      `${prefix}-metrics-server`,
      { clusterName: cluster.name, addonName: "metrics-server" },
      { ...child, dependsOn: nodeGroups },
    );
    // The node groups' maximum is only reached if something grows them.
    new EksClusterAutoscaler(
      `${prefix}-cluster-autoscaler`,
      {
        namePrefix: prefix,
        clusterName: settings.name,
        kubernetesVersion: settings.kubernetesVersion,
        region: config.region,
        network: { cloud: this.cloud, vpcCidr: settings.vpcCidr, zones: settings.zones },
        oidcProviderArn: oidc.arn,
        oidcIssuerHost: oidc.issuerHost,
        aws: provider,
        kubernetes: access.provider,
      },
      { parent: this, dependsOn: nodeGroups },
    );

    this.clusterName = cluster.name;
    this.kubeconfig = access.kubeconfig;
    this.provider = access.provider;
    this.storageClassName = access.storageClassName;
    // The CNI too: pods scheduled before the managed CNI takes over would run without NetworkPolicy enforcement.
    this.workloadsReady = [...nodeGroups, vpcCni, ebsCsi];
    this.egressCidrs = network.egressCidrs;
    this.zones = settings.zones;
    this.region = config.region;
    this.vpcId = network.vpcId;
    this.privateSubnetIds = network.privateSubnetIds;
    this.clusterSecurityGroupId = cluster.vpcConfig.apply((vpc) => vpc.clusterSecurityGroupId);
    this.oidcProviderArn = oidc.arn;
    this.oidcIssuerHost = oidc.issuerHost;
    this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig, egressCidrs: this.egressCidrs });
  }
}

type ChildOptions = { readonly parent: pulumi.Resource; readonly provider: aws.Provider };
type ClusterSettings = BaseStackConfig["cluster"];

/** An IAM role a service assumes, with AWS managed policies attached: the attachments, for `dependsOn`. */
function serviceRole(
  name: string,
  assumeRolePolicy: pulumi.Input<string>,
  policies: readonly string[],
  policyName: (policy: string) => string,
  child: ChildOptions,
) {
  const role = new aws.iam.Role(name, { assumeRolePolicy }, child);
  const attachments = policies.map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-${policyName(policy)}`,
        { role: role.id, policyArn: managedPolicyArn(policy) },
        child,
      ),
  );
  return { role, attachments };
}

/**
 * The control plane: its role, Secrets envelope-encrypted with a dedicated rotating KMS key, the API reachable
 * privately and from `cluster.apiAllowedCidrs` only, every log type on, deletion protected.
 */
function controlPlane(prefix: string, settings: ClusterSettings, network: AwsNetwork, child: ChildOptions) {
  const secretsKey = new aws.kms.Key(
    `${prefix}-eks-secrets`,
    {
      description: `Envelope encryption of Kubernetes Secrets in EKS cluster ${settings.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    },
    child,
  );
  const { role, attachments } = serviceRole(
    `${prefix}-eks-cluster`,
    JSON.stringify(serviceAssumeRolePolicy("eks.amazonaws.com")),
    CLUSTER_ROLE_POLICIES,
    (policy) => policy,
    child,
  );
  const encryptionPolicy = new aws.iam.RolePolicy(
    `${prefix}-eks-cluster-encryption`,
    {
      role: role.id,
      policy: secretsKey.arn.apply((arn) => JSON.stringify(clusterEncryptionPolicy(arn))),
    },
    child,
  );
  return new aws.eks.Cluster(
    `${prefix}-eks`,
    {
      name: settings.name,
      version: settings.kubernetesVersion,
      roleArn: role.arn,
      vpcConfig: {
        subnetIds: network.privateSubnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: true,
        publicAccessCidrs: [...settings.apiAllowedCidrs],
      },
      // Access entries, not the aws-auth ConfigMap; whoever runs `pulumi up` starts as cluster admin.
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
      enabledClusterLogTypes: [...EKS_LOG_TYPES],
      encryptionConfig: { provider: { keyArn: secretsKey.arn }, resources: ["secrets"] },
      deletionProtection: true,
    },
    { ...child, dependsOn: [...attachments, encryptionPolicy] },
  );
}

/** The cluster's OIDC issuer as an IAM identity provider, so pods assume IAM roles (IRSA). */
function irsaProvider(prefix: string, cluster: aws.eks.Cluster, child: ChildOptions) {
  const issuerUrl = cluster.identities.apply((ids) => ids[0].oidcs[0].issuer);
  // The root CA of the issuer's chain (tls.getCertificate lists the root first): it outlives leaf rotations.
  const issuerCertificate = tls.getCertificateOutput({ url: issuerUrl }, { parent: child.parent });
  const provider = new aws.iam.OpenIdConnectProvider(
    `${prefix}-eks-oidc`,
    {
      url: issuerUrl,
      clientIdLists: ["sts.amazonaws.com"],
      thumbprintLists: [issuerCertificate.certificates.apply((certs) => certs[0].sha1Fingerprint)],
    },
    child,
  );
  return { arn: provider.arn, issuerHost: issuerUrl.apply(issuerHost) };
}

/**
 * One managed node group per zone in its private subnet: the cluster autoscaler then grows the zone where a
 * pending pod's EBS volume lives, which a group spanning zones cannot promise.
 */
function zoneNodeGroups(
  prefix: string,
  settings: ClusterSettings,
  cluster: aws.eks.Cluster,
  network: AwsNetwork,
  child: ChildOptions,
): aws.eks.NodeGroup[] {
  const { role, attachments } = serviceRole(
    `${prefix}-eks-nodes`,
    JSON.stringify(serviceAssumeRolePolicy("ec2.amazonaws.com")),
    NODE_ROLE_POLICIES,
    (policy) => policy,
    child,
  );
  const scaling = perZoneScaling(settings.nodes, settings.zones.length);
  return settings.zones.map(
    (zone, i) =>
      new aws.eks.NodeGroup(
        `${prefix}-${zone}`,
        {
          clusterName: cluster.name,
          nodeRoleArn: role.arn,
          subnetIds: [network.privateSubnetIds[i]],
          instanceTypes: [settings.nodes.machineType],
          diskSize: settings.nodes.diskGiB,
          scalingConfig: scaling,
          updateConfig: { maxUnavailable: 1 },
          labels: { [NODE_ZONE_LABEL]: zone },
        },
        { ...child, dependsOn: attachments, ignoreChanges: ["scalingConfig.desiredSize"] },
      ),
  );
}

/** The managed VPC CNI takes over the self-managed one so that NetworkPolicies are enforced, not just stored. */
function networkPolicyCni(prefix: string, cluster: aws.eks.Cluster, child: ChildOptions): aws.eks.Addon {
  return new aws.eks.Addon(
    `${prefix}-vpc-cni`,
    {
      clusterName: cluster.name,
      addonName: "vpc-cni",
      configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
      resolveConflictsOnCreate: "OVERWRITE",
    },
    child,
  );
}

/** The EBS CSI driver add-on with its own IRSA role, once nodes exist to run it. */
function ebsCsiDriver(
  prefix: string,
  cluster: aws.eks.Cluster,
  oidc: ReturnType<typeof irsaProvider>,
  nodeGroups: readonly aws.eks.NodeGroup[],
  child: ChildOptions,
): aws.eks.Addon {
  const { role, attachments } = serviceRole(
    `${prefix}-ebs-csi`,
    pulumi
      .all([oidc.arn, oidc.issuerHost])
      .apply(([arn, host]) =>
        JSON.stringify(
          irsaTrustPolicy({ oidcProviderArn: arn, issuerHost: host, serviceAccounts: [EBS_CSI_SERVICE_ACCOUNT] }),
        ),
      ),
    EBS_CSI_POLICIES,
    (policy) => policy.split("/").pop() as string,
    child,
  );
  return new aws.eks.Addon(
    `${prefix}-ebs-csi`,
    { clusterName: cluster.name, addonName: "aws-ebs-csi-driver", serviceAccountRoleArn: role.arn },
    { ...child, dependsOn: [...nodeGroups, ...attachments] },
  );
}
