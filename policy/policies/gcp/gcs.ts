import type { ResourceValidationPolicy } from "@pulumi/policy";
import { propertyPolicy } from "../../lib/policy";
import { GCP } from "../../lib/types";

const GCS = [GCP.bucket];

export const gcsUniformAccess = propertyPolicy({
  name: "gcs-uniform-bucket-level-access",
  description: "GCS buckets grant access through IAM only (uniform bucket-level access, no object ACLs).",
  types: GCS,
  violations: (bucket) =>
    bucket.uniformBucketLevelAccess === true
      ? undefined
      : `GCS bucket must set uniformBucketLevelAccess: true (got ${String(bucket.uniformBucketLevelAccess)})`,
});

export const gcsPublicAccessPrevention = propertyPolicy({
  name: "gcs-public-access-prevention",
  description: "GCS buckets enforce public access prevention.",
  types: GCS,
  violations: (bucket) =>
    bucket.publicAccessPrevention === "enforced"
      ? undefined
      : `GCS bucket must set publicAccessPrevention: "enforced" (got ${String(bucket.publicAccessPrevention)})`,
});

export const gcsVersioning = propertyPolicy({
  name: "gcs-versioning",
  description: "GCS buckets keep object versions.",
  types: GCS,
  violations: (bucket) =>
    bucket.versioning?.enabled === true ? undefined : "GCS bucket must set versioning: { enabled: true }",
});

export const gcsPolicies: ResourceValidationPolicy[] = [gcsUniformAccess, gcsPublicAccessPrevention, gcsVersioning];
