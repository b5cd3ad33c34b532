import type { ObjectStoreLocation } from "../cloud/object-store";

/**
 * The `--objstore.config-file` of every Thanos component of a region (Thanos docs/storage.md). No keys: on S3
 * `aws_sdk_auth` makes Thanos use the AWS SDK's credential chain, which picks up the IRSA web identity token;
 * on GCS the client library uses Workload Identity through application default credentials.
 */
export function objstoreConfig(location: ObjectStoreLocation) {
  if (location.bucket === "") throw new Error("objstore: the bucket name is empty");
  switch (location.type) {
    case "S3":
      return { type: "S3", config: { bucket: location.bucket, endpoint: location.endpoint, region: location.region, aws_sdk_auth: true } };
    case "GCS":
      return { type: "GCS", config: { bucket: location.bucket } };
  }
}
