import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { type BucketAccess, gcsBucketRoles } from "../../../builders/cloud/bucket-access";
import { type KubernetesServiceAccountRef, requireServiceAccounts } from "../../../builders/cloud/service-accounts";
import { gcpServiceAccountId, workloadIdentityMember } from "../../../builders/cloud/gcp-names";
import type { BucketIdentity } from "../types";
import type { GcsBucket } from "./bucket";
import type { GkeCluster } from "./cluster";

/** The annotation GKE Workload Identity reads to map a Kubernetes service account to a Google one. */
export const WORKLOAD_IDENTITY_ANNOTATION = "iam.gke.io/gcp-service-account";

export interface WorkloadIdentityBucketArgs {
  readonly namePrefix: string;
  readonly purpose: string;
  readonly access: BucketAccess;
  readonly cluster: GkeCluster;
  readonly bucket: GcsBucket;
  readonly serviceAccounts: readonly KubernetesServiceAccountRef[];
  readonly provider: gcp.Provider;
}

/**
 * A Google service account with the object roles of its `access` granted on one bucket only (never bucket
 * settings or IAM), which exactly the named Kubernetes service accounts may impersonate through Workload
 * Identity. No key exists.
 */
export class WorkloadIdentityBucketIdentity extends pulumi.ComponentResource implements BucketIdentity {
  readonly email: pulumi.Output<string>;
  readonly serviceAccountAnnotations: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: WorkloadIdentityBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:cloud:WorkloadIdentityBucketIdentity", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const base = `${args.namePrefix}-${args.purpose}`;
    const serviceAccounts = requireServiceAccounts(args.purpose, args.serviceAccounts);

    const account = new gcp.serviceaccount.Account(
      base,
      {
        accountId: gcpServiceAccountId(args.namePrefix, args.purpose),
        displayName: `${args.purpose} pods of ${args.namePrefix}`,
      },
      child,
    );
    for (const role of gcsBucketRoles(args.access)) {
      new gcp.storage.BucketIAMMember(
        `${base}-${role.replace("roles/storage.", "")}`,
        {
          bucket: args.bucket.bucketName,
          role,
          member: pulumi.interpolate`serviceAccount:${account.email}`,
        },
        child,
      );
    }
    for (const serviceAccount of serviceAccounts) {
      new gcp.serviceaccount.IAMMember(
        `${base}-wi-${serviceAccount.namespace}-${serviceAccount.name}`,
        {
          serviceAccountId: account.name,
          role: "roles/iam.workloadIdentityUser",
          member: args.cluster.workloadPool.apply((pool) => workloadIdentityMember(pool, serviceAccount)),
        },
        child,
      );
    }

    this.email = account.email;
    this.serviceAccountAnnotations = account.email.apply(
      (email): Record<string, string> => ({ [WORKLOAD_IDENTITY_ANNOTATION]: email }),
    );
    this.registerOutputs({ email: this.email, serviceAccountAnnotations: this.serviceAccountAnnotations });
  }
}
