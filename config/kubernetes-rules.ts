/**
 * What a stack on a cluster the user already runs must say beside its schema's keys: the kubeconfig and the
 * bucket's or database's credentials, each set and held as a secret.
 */
import { requireSecret } from "./rules";
import type { RawConfig } from "./raw";
import { KUBERNETES_SECRET_KEYS } from "./schema";
import type { StackConfig } from "./types";

type Fail = (path: readonly PropertyKey[], allowed: string, value?: unknown) => never;

export function checkKubernetes(config: StackConfig, raw: RawConfig, fail: Fail): void {
  if (config.cloud !== "kubernetes") return;
  const secret = (key: string, holds: string) => requireSecret(config.stack, raw, key, holds);
  secret(KUBERNETES_SECRET_KEYS.kubeconfig, "the kubeconfig of the cluster the stack deploys into");
  if (config.tier === "global") {
    if (config.kubernetes) secret(KUBERNETES_SECRET_KEYS.databasePassword, `the password of PostgreSQL role '${config.kubernetes.database.user}'`);
    return;
  }
  if (config.kubernetes === undefined) return;
  const { bucket } = config.kubernetes;
  if (bucket.type === "s3") {
    if (bucket.endpoint === undefined) fail(["kubernetes", "bucket", "endpoint"], "the S3-compatible store's host or host:port (required for type s3)");
    secret(KUBERNETES_SECRET_KEYS.bucketAccessKey, "the bucket's S3 access key ID");
    secret(KUBERNETES_SECRET_KEYS.bucketSecretKey, "the bucket's S3 secret access key");
  } else {
    if (bucket.endpoint !== undefined) fail(["kubernetes", "bucket", "endpoint"], "no value: a gcs bucket is reached at Google's endpoint");
    secret(KUBERNETES_SECRET_KEYS.bucketServiceAccount, "the JSON key of a service account that may use the bucket");
  }
}

/** The secret keys a Kubernetes stack's raw config may hold beside the schema's (none on a cloud). */
export function kubernetesSecretKeys(values: Readonly<Record<string, unknown>>): string[] {
  return values.cloud === "kubernetes" ? Object.values(KUBERNETES_SECRET_KEYS) : [];
}
