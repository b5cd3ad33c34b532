/**
 * Where a stack's Thanos bucket lives, as the Thanos objstore builder needs it. The clusters carry no
 * credentials: pods reach the bucket through IRSA or Workload Identity. The local topology's emulators take
 * test credentials instead, so no client ever looks for instance credentials.
 */
export type ObjectStoreLocation =
  | {
      readonly type: "S3";
      readonly bucket: string;
      readonly region: string;
      readonly endpoint: string;
      /** Plain HTTP: only an emulator on loopback. */
      readonly insecure?: boolean;
      readonly staticCredentials?: { readonly accessKey: string; readonly secretKey: string };
    }
  | {
      readonly type: "GCS";
      readonly bucket: string;
      /** A service-account key (JSON); the clusters use Workload Identity instead. */
      readonly serviceAccountJson?: string;
    };

/** A bucket that already exists on a store the stack names (the kubernetes platform's `kubernetes.bucket`). */
export interface ExistingBucketSettings {
  readonly type: "s3" | "gcs";
  readonly name: string;
  readonly endpoint?: string;
  readonly region: string;
  readonly insecure: boolean;
}

/** The secrets an existing bucket is reached with: S3 keys, or a GCS service-account key's JSON. */
export type BucketCredentials =
  | { readonly accessKey: string; readonly secretKey: string }
  | { readonly serviceAccountJson: string };

export function existingBucketLocation(
  bucket: ExistingBucketSettings,
  credentials: BucketCredentials,
): ObjectStoreLocation {
  if (bucket.type === "gcs") {
    if (!("serviceAccountJson" in credentials))
      throw new Error(`bucket ${bucket.name}: a gcs bucket is reached with a service-account key`);
    return { type: "GCS", bucket: bucket.name, serviceAccountJson: credentials.serviceAccountJson };
  }
  if (!("accessKey" in credentials) || bucket.endpoint === undefined)
    throw new Error(`bucket ${bucket.name}: an s3 bucket needs its endpoint and access keys`);
  return {
    type: "S3",
    bucket: bucket.name,
    region: bucket.region,
    endpoint: bucket.endpoint,
    insecure: bucket.insecure,
    staticCredentials: credentials,
  };
}

export function s3Location(bucket: string, region: string): ObjectStoreLocation {
  return { type: "S3", bucket, region, endpoint: `s3.${region}.amazonaws.com` };
}

export function gcsLocation(bucket: string): ObjectStoreLocation {
  return { type: "GCS", bucket };
}

/** How both clouds' buckets age data Thanos no longer references. */
export const BUCKET_LIFECYCLE = {
  /** Overwritten or deleted block files stay recoverable this long (the compactor rewrites and deletes blocks daily). */
  noncurrentVersionDays: 30,
  /** Uploads a crashed sidecar or compactor left unfinished are dropped after this long. */
  incompleteUploadDays: 7,
} as const;
