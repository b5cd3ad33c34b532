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
    const child = { parent: this, provider };

    const network = new AwsNetwork(
      `${prefix}-network`,
      { namePrefix: prefix, clusterName: settings.name, vpcCidr: settings.vpcCidr, zones: settings.zones, provider },
      { parent: this },
    );

    const secretsKey = new aws.kms.Key(
      `${prefix}-eks-secrets`,
      {
        description: `Envelope encryption of Kubernetes Secrets in EKS cluster ${settings.name}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
      },
      child,
    );

    const clusterRole = new aws.iam.Role(
      `${prefix}-eks-cluster`,
      {
        assumeRolePolicy: JSON.stringify(serviceAssumeRolePolicy("eks.amazonaws.com")),
      },
      child,
    );
    const clusterPolicies = CLUSTER_ROLE_POLICIES.map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${prefix}-eks-cluster-${policy}`,
          { role: clusterRole.id, policyArn: managedPolicyArn(policy) },
          child,
        ),
    );
    const encryptionPolicy = new aws.iam.RolePolicy(
      `${prefix}-eks-cluster-encryption`,
      {
        role: clusterRole.id,
        policy: secretsKey.arn.apply((arn) => JSON.stringify(clusterEncryptionPolicy(arn))),
      },
      child,
    );

    const cluster = new aws.eks.Cluster(
      `${prefix}-eks`,
      {
        name: settings.name,
        version: settings.kubernetesVersion,
        roleArn: clusterRole.arn,
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
      { ...child, dependsOn: [...clusterPolicies, encryptionPolicy] },
    );

    const issuerUrl = cluster.identities.apply((ids) => ids[0].oidcs[0].issuer);
    // The root CA of the issuer's chain (tls.getCertificate lists the root first): it outlives leaf rotations.
    const issuerCertificate = tls.getCertificateOutput({ url: issuerUrl }, { parent: this });
    const oidcProvider = new aws.iam.OpenIdConnectProvider(
      `${prefix}-eks-oidc`,
      {
        url: issuerUrl,
        clientIdLists: ["sts.amazonaws.com"],
        thumbprintLists: [issuerCertificate.certificates.apply((certs) => certs[0].sha1Fingerprint)],
      },
      child,
    );

    const nodeRole = new aws.iam.Role(
      `${prefix}-eks-nodes`,
      {
        assumeRolePolicy: JSON.stringify(serviceAssumeRolePolicy("ec2.amazonaws.com")),
      },
      child,
    );
    const nodePolicies = NODE_ROLE_POLICIES.map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${prefix}-eks-nodes-${policy}`,
          { role: nodeRole.id, policyArn: managedPolicyArn(policy) },
          child,
        ),
    );

    // One group per zone: the cluster autoscaler then grows the zone where a pending pod's EBS volume lives,
    // which a group spanning zones cannot promise.
    const scaling = perZoneScaling(settings.nodes, settings.zones.length);
    const nodeGroups = settings.zones.map(
      (zone, i) =>
        new aws.eks.NodeGroup(
          `${prefix}-${zone}`,
          {
            clusterName: cluster.name,
            nodeRoleArn: nodeRole.arn,
            subnetIds: [network.privateSubnetIds[i]],
            instanceTypes: [settings.nodes.machineType],
            diskSize: settings.nodes.diskGiB,
            scalingConfig: scaling,
            updateConfig: { maxUnavailable: 1 },
            labels: { [NODE_ZONE_LABEL]: zone },
          },
          { ...child, dependsOn: nodePolicies, ignoreChanges: ["scalingConfig.desiredSize"] },
        ),
    );

    // The managed VPC CNI takes over the self-managed one so that NetworkPolicies are enforced, not just stored.
    const vpcCni = new aws.eks.Addon(
      `${prefix}-vpc-cni`,
      {
        clusterName: cluster.name,
        addonName: "vpc-cni",
        configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
        resolveConflictsOnCreate: "OVERWRITE",
      },
      child,
    );

    const oidcIssuerHost = issuerUrl.apply(issuerHost);
    const ebsCsiRole = new aws.iam.Role(
      `${prefix}-ebs-csi`,
      {
        assumeRolePolicy: pulumi
          .all([oidcProvider.arn, oidcIssuerHost])
          .apply(([arn, host]) =>
            JSON.stringify(
              irsaTrustPolicy({ oidcProviderArn: arn, issuerHost: host, serviceAccounts: [EBS_CSI_SERVICE_ACCOUNT] }),
            ),
          ),
      },
      child,
    );
    const ebsCsiPolicies = EBS_CSI_POLICIES.map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${prefix}-ebs-csi-${policy.split("/").pop()}`,
          { role: ebsCsiRole.id, policyArn: managedPolicyArn(policy) },
          child,
        ),
    );
    const ebsCsi = new aws.eks.Addon(
      `${prefix}-ebs-csi`,
      {
        clusterName: cluster.name,
        addonName: "aws-ebs-csi-driver",
        serviceAccountRoleArn: ebsCsiRole.arn,
      },
      { ...child, dependsOn: [...nodeGroups, ...ebsCsiPolicies] },
    );

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
      {
        clusterName: cluster.name,
        addonName: "metrics-server",
      },
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
        oidcProviderArn: oidcProvider.arn,
        oidcIssuerHost,
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
    this.oidcProviderArn = oidcProvider.arn;
    this.oidcIssuerHost = oidcIssuerHost;
    this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig, egressCidrs: this.egressCidrs });
  }
}
