/**
 * What each Thanos component may do with its region's bucket, and what that is in each cloud's IAM. Only
 * the compactor deletes (it replaces compacted and downsampled blocks and applies retention); the store
 * gateway only reads; a sidecar lists, reads and writes: the shipper checks whether a block's meta.json
 * exists before it uploads the block (pkg/shipper), and never deletes.
 */
export const BUCKET_ACCESS = ["read", "write", "delete"] as const;
export type BucketAccess = (typeof BUCKET_ACCESS)[number];

/** S3 object actions per access (ListBucket on the bucket itself comes with every one). */
export function s3ObjectActions(access: BucketAccess): string[] {
  switch (access) {
    case "read":
      return ["s3:GetObject"];
    case "write":
      return ["s3:GetObject", "s3:PutObject"];
    case "delete":
      return ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"];
  }
}

/** KMS actions on the bucket key: reading decrypts, writing also makes data keys. */
export function kmsActions(access: BucketAccess): string[] {
  return access === "read" ? ["kms:Decrypt"] : ["kms:Decrypt", "kms:GenerateDataKey"];
}

/**
 * Predefined GCS roles per access, granted on the bucket only. objectViewer: get and list; objectCreator:
 * create (overwriting needs delete, which a sidecar never gets: an interrupted upload is retried into the
 * same names and fails until the compactor removes the partial block, and ThanosSidecarUploadFailures fires);
 * objectAdmin: everything on objects, delete included.
 */
export function gcsBucketRoles(access: BucketAccess): string[] {
  switch (access) {
    case "read":
      return ["roles/storage.objectViewer"];
    case "write":
      return ["roles/storage.objectViewer", "roles/storage.objectCreator"];
    case "delete":
      return ["roles/storage.objectAdmin"];
  }
}
