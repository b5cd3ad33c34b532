import { type BucketAccess, kmsActions, s3ObjectActions } from "./bucket-access";
import type { KubernetesServiceAccountRef } from "./service-accounts";

/**
 * IAM and bucket policy documents as plain objects. Components `JSON.stringify` them once their ARNs resolve;
 * tests and policies read them without a cloud.
 */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: Record<string, string | readonly string[]> | "*";
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

function document(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** Lets an AWS service (eks.amazonaws.com, ec2.amazonaws.com) assume a role. */
export function serviceAssumeRolePolicy(service: string): PolicyDocument {
  return document({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
}

/** The OIDC `sub` claim a projected token of this Kubernetes service account carries. */
export function serviceAccountSubject(account: KubernetesServiceAccountRef): string {
  return `system:serviceaccount:${account.namespace}:${account.name}`;
}

/**
 * IRSA trust: only tokens issued by this cluster's OIDC provider, for the STS audience, to exactly these
 * service accounts (StringEquals, never StringLike: a wildcard would admit every account of a namespace).
 */
export function irsaTrustPolicy(p: {
  oidcProviderArn: string;
  /** The issuer URL without `https://`, as IAM names condition keys. */
  issuerHost: string;
  serviceAccounts: readonly KubernetesServiceAccountRef[];
}): PolicyDocument {
  return document({
    Effect: "Allow",
    Principal: { Federated: p.oidcProviderArn },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: {
      StringEquals: {
        [`${p.issuerHost}:sub`]: p.serviceAccounts.map(serviceAccountSubject),
        [`${p.issuerHost}:aud`]: "sts.amazonaws.com",
      },
    },
  });
}

/** The issuer URL as IAM condition keys spell it. */
export function issuerHost(issuerUrl: string): string {
  return issuerUrl.replace(/^https:\/\//, "");
}

/**
 * What one Thanos component needs on its bucket and nothing more (builders/cloud/bucket-access.ts): list
 * the bucket, the object actions of its access, and the bucket's KMS key for SSE-KMS objects.
 */
export function bucketAccessPolicy(p: { bucketArn: string; kmsKeyArn: string; access: BucketAccess }): PolicyDocument {
  return document(
    { Sid: "ListBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: p.bucketArn },
    { Sid: "Objects", Effect: "Allow", Action: s3ObjectActions(p.access), Resource: `${p.bucketArn}/*` },
    { Sid: "UseBucketKey", Effect: "Allow", Action: kmsActions(p.access), Resource: p.kmsKeyArn },
  );
}

/** Refuses every request to the bucket that does not arrive over TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return document({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  });
}

/** What the EKS control plane needs to envelope-encrypt Secrets with the cluster's own key. */
export function clusterEncryptionPolicy(kmsKeyArn: string): PolicyDocument {
  return document({
    Effect: "Allow",
    Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
    Resource: kmsKeyArn,
  });
}

/** AWS managed policies by name, in the commercial partition every region of config/clouds.ts lives in. */
export function managedPolicyArn(name: string): string {
  return `arn:aws:iam::aws:policy/${name}`;
}

export const CLUSTER_ROLE_POLICIES = ["AmazonEKSClusterPolicy"] as const;
export const NODE_ROLE_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEKS_CNI_Policy",
  "AmazonEC2ContainerRegistryReadOnly",
] as const;
/** The EBS CSI driver's controller (its own IRSA role): Prometheus and Thanos volumes are EBS volumes. */
export const EBS_CSI_POLICIES = ["service-role/AmazonEBSCSIDriverPolicy"] as const;
export const EBS_CSI_SERVICE_ACCOUNT: KubernetesServiceAccountRef = {
  namespace: "kube-system",
  name: "ebs-csi-controller-sa",
};

/**
 * The cluster autoscaler reads every Auto Scaling group and instance type, and resizes or shrinks only the
 * groups EKS tagged as this cluster's node groups (the upstream least-privilege variant: the tag condition
 * on the two write actions).
 */
export function clusterAutoscalerPolicy(clusterName: string): PolicyDocument {
  return document(
    {
      Sid: "Discover",
      Effect: "Allow",
      Action: [
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeAutoScalingInstances",
        "autoscaling:DescribeLaunchConfigurations",
        "autoscaling:DescribeScalingActivities",
        "autoscaling:DescribeTags",
        "ec2:DescribeImages",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplateVersions",
        "ec2:GetInstanceTypesFromInstanceRequirements",
        "eks:DescribeNodegroup",
      ],
      Resource: "*",
    },
    {
      Sid: "ScaleOwnNodeGroups",
      Effect: "Allow",
      Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
      Resource: "*",
      Condition: {
        StringEquals: {
          "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true",
          [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned",
        },
      },
    },
  );
}
