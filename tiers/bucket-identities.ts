import type * as pulumi from "@pulumi/pulumi";
import type { BucketAccess } from "../builders/cloud/bucket-access";
import type { CloudPlatform, KubernetesCluster, ObjectBucket } from "../components/cloud";

/** One ServiceAccount that reaches a bucket, with the access its pods need. */
export interface BucketIdentitySpec {
  readonly purpose: string;
  readonly access: BucketAccess;
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
}

/**
 * A cloud identity per ServiceAccount for `bucket` (a region's, or Receive's in the global tier), each with
 * only its access; by ServiceAccount name, the annotations that bind the account to its identity.
 */
export function bucketIdentityAnnotations<C extends KubernetesCluster, B extends ObjectBucket>(
  cloud: CloudPlatform<C, B>,
  cluster: C,
  bucket: B,
  identities: readonly BucketIdentitySpec[],
): Record<string, pulumi.Output<Record<string, string>>> {
  return Object.fromEntries(
    identities.map((id) => [
      id.serviceAccount.name,
      cloud.bucketIdentity({
        purpose: id.purpose,
        access: id.access,
        cluster,
        bucket,
        serviceAccounts: [id.serviceAccount],
      }).serviceAccountAnnotations,
    ]),
  );
}
