import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { BUCKET_LIFECYCLE, type ObjectStoreLocation, gcsLocation } from "../../../builders/cloud/object-store";
import type { ObjectBucket } from "../types";

export interface GcsBucketArgs {
  readonly namePrefix: string;
  readonly purpose: string;
  readonly region: string;
  readonly provider: gcp.Provider;
}

/**
 * A regional GCS bucket: IAM only (uniform bucket-level access, no ACLs), public access prevented, versioned
 * with noncurrent versions deleted after a grace period, abandoned multipart uploads aborted. Google-managed
 * encryption at rest.
 */
export class GcsBucket extends pulumi.ComponentResource implements ObjectBucket {
  readonly bucketName: pulumi.Output<string>;
  readonly location: pulumi.Output<ObjectStoreLocation>;

  constructor(name: string, args: GcsBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:cloud:GcsBucket", name, {}, opts);
    // Auto-named from the prefix and purpose with a random suffix: bucket names are global.
    const bucket = new gcp.storage.Bucket(
      `${args.namePrefix}-${args.purpose}`,
      {
        location: args.region.toUpperCase(),
        storageClass: "STANDARD",
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        versioning: { enabled: true },
        forceDestroy: false,
        lifecycleRules: [
          {
            condition: { withState: "ARCHIVED", daysSinceNoncurrentTime: BUCKET_LIFECYCLE.noncurrentVersionDays },
            action: { type: "Delete" },
          },
          {
            condition: { age: BUCKET_LIFECYCLE.incompleteUploadDays },
            action: { type: "AbortIncompleteMultipartUpload" },
          },
        ],
      },
      { parent: this, provider: args.provider },
    );

    this.bucketName = bucket.name;
    this.location = bucket.name.apply(gcsLocation);
    this.registerOutputs({ bucketName: this.bucketName, location: this.location });
  }
}
