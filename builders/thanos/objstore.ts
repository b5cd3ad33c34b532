import type { ObjectStoreLocation } from "../cloud/object-store";

/**
 * The `--objstore.config-file` of every Thanos component of a region (Thanos docs/storage.md, the S3 and GCS
 * `Config` structs of thanos-io/objstore). In the clusters no keys: on S3 `aws_sdk_auth` makes Thanos use the
 * AWS SDK's credential chain, which picks up the IRSA web identity token; on GCS the client library uses
 * Workload Identity through application default credentials. Emulators get the location's test credentials.
 */
export function objstoreConfig(location: ObjectStoreLocation) {
  if (location.bucket === "") throw new Error("objstore: the bucket name is empty");
  switch (location.type) {
    case "S3":
      return {
        type: "S3",
        config: {
          bucket: location.bucket,
          endpoint: location.endpoint,
          region: location.region,
          ...(location.staticCredentials
            ? { access_key: location.staticCredentials.accessKey, secret_key: location.staticCredentials.secretKey }
            : { aws_sdk_auth: true }),
          ...(location.insecure ? { insecure: true } : {}),
        },
      };
    case "GCS":
      return {
        type: "GCS",
        config: {
          bucket: location.bucket,
          ...(location.serviceAccountJson ? { service_account: location.serviceAccountJson } : {}),
        },
      };
  }
}
