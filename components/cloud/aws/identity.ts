import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bucketAccessPolicy, irsaTrustPolicy } from "../../../builders/cloud/aws-iam";
import type { BucketAccess } from "../../../builders/cloud/bucket-access";
import { type KubernetesServiceAccountRef, requireServiceAccounts } from "../../../builders/cloud/service-accounts";
import type { BucketIdentity } from "../types";
import type { S3Bucket } from "./bucket";
import type { EksCluster } from "./cluster";

/** The annotation IRSA's pod identity webhook reads to inject the role's web identity credentials. */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

export interface IrsaBucketIdentityArgs {
  readonly namePrefix: string;
  readonly purpose: string;
  readonly access: BucketAccess;
  readonly cluster: EksCluster;
  readonly bucket: S3Bucket;
  readonly serviceAccounts: readonly KubernetesServiceAccountRef[];
  readonly provider: aws.Provider;
}

/**
 * An IAM role only the named Kubernetes service accounts of this cluster can assume (IRSA), allowed to list
 * one bucket and to do with its objects what `access` says. No access key exists.
 */
export class IrsaBucketIdentity extends pulumi.ComponentResource implements BucketIdentity {
  readonly roleArn: pulumi.Output<string>;
  readonly serviceAccountAnnotations: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: IrsaBucketIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:cloud:IrsaBucketIdentity", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const base = `${args.namePrefix}-${args.purpose}`;
    const serviceAccounts = requireServiceAccounts(args.purpose, args.serviceAccounts);

    const role = new aws.iam.Role(
      base,
      {
        description: `${args.purpose} pods of ${args.namePrefix} reach their bucket through IRSA`,
        assumeRolePolicy: pulumi
          .all([args.cluster.oidcProviderArn, args.cluster.oidcIssuerHost])
          .apply(([arn, host]) =>
            JSON.stringify(irsaTrustPolicy({ oidcProviderArn: arn, issuerHost: host, serviceAccounts })),
          ),
      },
      child,
    );
    new aws.iam.RolePolicy(
      `${base}-bucket`,
      {
        role: role.id,
        policy: pulumi
          .all([args.bucket.bucketArn, args.bucket.kmsKeyArn])
          .apply(([bucketArn, kmsKeyArn]) =>
            JSON.stringify(bucketAccessPolicy({ bucketArn, kmsKeyArn, access: args.access })),
          ),
      },
      child,
    );

    this.roleArn = role.arn;
    this.serviceAccountAnnotations = role.arn.apply((arn): Record<string, string> => ({ [IRSA_ROLE_ANNOTATION]: arn }));
    this.registerOutputs({ roleArn: this.roleArn, serviceAccountAnnotations: this.serviceAccountAnnotations });
  }
}
