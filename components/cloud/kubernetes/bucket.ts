import * as pulumi from "@pulumi/pulumi";
import {
  type BucketCredentials,
  type ObjectStoreLocation,
  existingBucketLocation,
} from "../../../builders/cloud/object-store";
import type { ObjectBucket } from "../types";
import type { KubernetesBucketSettings } from "./settings";
import { platformSecret } from "./settings";

/**
 * A bucket that exists on any S3-compatible store or on GCS, reached with credentials the stack holds as
 * secrets: a cluster the user runs has no cloud identity for its pods to assume. The location carries them,
 * so whatever renders it is secret (the objstore file is a Kubernetes Secret).
 */
export class ExistingBucket extends pulumi.ComponentResource implements ObjectBucket {
  readonly bucketName: pulumi.Output<string>;
  readonly location: pulumi.Output<ObjectStoreLocation>;

  constructor(name: string, args: { settings: KubernetesBucketSettings }, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:cloud:ExistingBucket", name, {}, opts);
    const s = args.settings;
    this.bucketName = pulumi.output(s.name);
    const credentials: pulumi.Output<BucketCredentials> =
      s.type === "s3"
        ? pulumi
            .all([platformSecret("bucketAccessKey"), platformSecret("bucketSecretKey")])
            .apply(([accessKey, secretKey]) => ({ accessKey, secretKey }))
        : platformSecret("bucketServiceAccount").apply((serviceAccountJson) => ({ serviceAccountJson }));
    this.location = credentials.apply((c) => existingBucketLocation(s, c));
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
