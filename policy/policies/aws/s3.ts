import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { known } from "../../lib/known";
import { stackPolicy } from "../../lib/policy";
import { AWS } from "../../lib/types";

/**
 * Since AWS provider v7 a bucket's encryption, versioning and public access block are separate resources
 * that name the bucket in their `bucket` input; these stack policies find them for each bucket.
 */

/** Whether a companion resource configures this bucket: it took its `bucket` input from it, or names it. */
function configures(companion: PolicyResource, bucket: PolicyResource): boolean {
  // During preview the bucket's id is unknown, but the engine still records where the input came from.
  if ((companion.propertyDependencies.bucket ?? []).some((dependency) => dependency.urn === bucket.urn)) return true;
  const named = known(() => companion.props.bucket);
  return typeof named === "string" && named === known(() => bucket.props.bucket);
}

interface CompanionRule {
  readonly name: string;
  readonly description: string;
  readonly companionTypes: readonly string[];
  /** Whether one companion resource's settings satisfy the rule. */
  readonly satisfies: (props: any) => boolean;
  readonly missing: string;
}

function bucketCompanionPolicy(rule: CompanionRule): StackValidationPolicy {
  return stackPolicy({
    name: rule.name,
    description: rule.description,
    violations: (resources) =>
      resources
        .filter((r) => AWS.bucket.includes(r.type))
        .filter((bucket) => {
          const companions = resources.filter((r) => rule.companionTypes.includes(r.type) && configures(r, bucket));
          // An unknown setting counts as satisfied: the resource policy run at `pulumi up` sees it.
          return !companions.some((c) => known(() => rule.satisfies(c.props)) !== false);
        })
        .map((bucket) => ({ message: `S3 bucket '${bucket.name}' ${rule.missing}`, urn: bucket.urn })),
  });
}

const SSE_ALGORITHMS = ["aws:kms", "aws:kms:dsse", "AES256"];

export const s3BucketEncrypted = bucketCompanionPolicy({
  name: "s3-bucket-encrypted",
  description: "Every S3 bucket has a BucketServerSideEncryptionConfiguration with a default encryption algorithm.",
  companionTypes: AWS.encryption,
  satisfies: (sse) =>
    (sse.rules ?? []).some((rule: any) =>
      SSE_ALGORITHMS.includes(rule.applyServerSideEncryptionByDefault?.sseAlgorithm),
    ),
  missing: `has no BucketServerSideEncryptionConfiguration with sseAlgorithm ${SSE_ALGORITHMS.join(" or ")}`,
});

export const s3BucketVersioned = bucketCompanionPolicy({
  name: "s3-bucket-versioned",
  description: "Every S3 bucket has a BucketVersioning with status Enabled.",
  companionTypes: AWS.versioning,
  satisfies: (versioning) => versioning.versioningConfiguration?.status === "Enabled",
  missing: "has no BucketVersioning with versioningConfiguration.status Enabled",
});

const PUBLIC_ACCESS_BLOCKS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

export const s3BucketPublicAccessBlock = bucketCompanionPolicy({
  name: "s3-bucket-public-access-block",
  description: "Every S3 bucket is behind a BucketPublicAccessBlock with all four blocks on.",
  companionTypes: AWS.publicAccessBlock,
  satisfies: (block) => PUBLIC_ACCESS_BLOCKS.every((setting) => block[setting] === true),
  missing: `has no BucketPublicAccessBlock with ${PUBLIC_ACCESS_BLOCKS.join(", ")} all true`,
});

export const s3Policies: StackValidationPolicy[] = [s3BucketEncrypted, s3BucketVersioned, s3BucketPublicAccessBlock];
