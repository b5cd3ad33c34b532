import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { tlsOnlyBucketPolicy } from "../../../builders/cloud/aws-iam";
import { BUCKET_LIFECYCLE, type ObjectStoreLocation, s3Location } from "../../../builders/cloud/object-store";
import type { ObjectBucket } from "../types";

export interface S3BucketArgs {
  readonly namePrefix: string;
  readonly purpose: string;
  readonly region: string;
  readonly provider: aws.Provider;
}

/**
 * A private S3 bucket: all four public access blocks, TLS-only policy, versioning with noncurrent versions
 * expiring, and SSE-KMS under a dedicated rotating key. KMS rather than AES256 so that reading the blocks
 * takes a grant on that key as well as on the bucket, and every use of it lands in CloudTrail; the bucket key
 * keeps the KMS request bill flat under Thanos' many small reads.
 */
export class S3Bucket extends pulumi.ComponentResource implements ObjectBucket {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly location: pulumi.Output<ObjectStoreLocation>;

  constructor(name: string, args: S3BucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:cloud:S3Bucket", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const base = `${args.namePrefix}-${args.purpose}`;

    const key = new aws.kms.Key(
      `${base}-bucket`,
      {
        description: `Encryption of the ${args.purpose} bucket of ${args.namePrefix}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
      },
      child,
    );
    // Auto-named from `base` with a random suffix: bucket names are global across accounts and regions.
    const bucket = new aws.s3.Bucket(base, { forceDestroy: false }, child);
    // By name (equal to its ID): policies match a bucket's companions by the name they configure.
    const bucketArgs = { bucket: bucket.bucket };

    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      base,
      {
        ...bucketArgs,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      child,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      base,
      {
        ...bucketArgs,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
            bucketKeyEnabled: true,
          },
        ],
      },
      child,
    );
    const versioning = new aws.s3.BucketVersioning(
      base,
      { ...bucketArgs, versioningConfiguration: { status: "Enabled" } },
      child,
    );
    new aws.s3.BucketLifecycleConfiguration(
      base,
      {
        ...bucketArgs,
        rules: [
          {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: BUCKET_LIFECYCLE.noncurrentVersionDays },
            // A delete marker left with no version behind it is clutter every LIST has to page through.
            expiration: { expiredObjectDeleteMarker: true },
          },
          {
            id: "abort-incomplete-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: BUCKET_LIFECYCLE.incompleteUploadDays },
          },
        ],
      },
      { ...child, dependsOn: [versioning] },
    );
    // After the public access block, whose `blockPublicPolicy` is checked against every policy put later.
    new aws.s3.BucketPolicy(
      base,
      {
        ...bucketArgs,
        policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))),
      },
      { ...child, dependsOn: [publicAccess] },
    );

    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.kmsKeyArn = key.arn;
    this.location = bucket.bucket.apply((b) => s3Location(b, args.region));
    this.registerOutputs({ bucketName: this.bucketName, location: this.location });
  }
}
