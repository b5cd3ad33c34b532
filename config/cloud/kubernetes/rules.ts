/**
 * What a stack on a cluster the user already runs must say beside its schema's keys: the kubeconfig and the
 * bucket's or database's credentials, each set and held as a secret.
 */
import type { RuleContext, StackRule } from "../../rule-runner";
import { DEFAULTS } from "../../defaults";
import { requireSecret } from "../../secrets";
import { KUBERNETES_SECRET_KEYS } from "../../schema";
import type { StackConfig } from "../../types";

function kubeconfig(config: StackConfig, { raw }: RuleContext): void {
  if (config.cloud !== "kubernetes") return;
  requireSecret(
    config.stack,
    raw,
    KUBERNETES_SECRET_KEYS.kubeconfig,
    "the kubeconfig of the cluster the stack deploys into",
  );
}

function databasePassword(config: StackConfig, { raw }: RuleContext): void {
  if (config.cloud !== "kubernetes" || config.tier !== "global" || config.kubernetes === undefined) return;
  requireSecret(
    config.stack,
    raw,
    KUBERNETES_SECRET_KEYS.databasePassword,
    `the password of PostgreSQL role '${config.kubernetes.database.user}'`,
  );
}

/** The stack's bucket: a region's own, or the global stack's for Thanos Receive where it names one. */
function bucketOf(config: StackConfig) {
  return config.cloud === "kubernetes" ? config.kubernetes?.bucket : undefined;
}

function bucketEndpoint(config: StackConfig, { fail }: RuleContext): void {
  const bucket = bucketOf(config);
  if (bucket === undefined) return;
  if (bucket.type === "s3" && bucket.endpoint === undefined)
    fail(["kubernetes", "bucket", "endpoint"], "the S3-compatible store's host or host:port (required for type s3)");
  if (bucket.type === "gcs" && bucket.endpoint !== undefined)
    fail(["kubernetes", "bucket", "endpoint"], "no value: a gcs bucket is reached at Google's endpoint");
}

function bucketCredentials(config: StackConfig, { raw }: RuleContext): void {
  const bucket = bucketOf(config);
  if (bucket === undefined) return;
  const secret = (key: string, holds: string) => requireSecret(config.stack, raw, key, holds);
  if (bucket.type === "s3") {
    secret(KUBERNETES_SECRET_KEYS.bucketAccessKey, "the bucket's S3 access key ID");
    secret(KUBERNETES_SECRET_KEYS.bucketSecretKey, "the bucket's S3 secret access key");
  } else {
    secret(KUBERNETES_SECRET_KEYS.bucketServiceAccount, "the JSON key of a service account that may use the bucket");
  }
}

/** A host and ports only where the global tier dials them; a load balancer brings its own address. */
function exposure(config: StackConfig, { fail }: RuleContext): void {
  if (config.cloud !== "kubernetes" || config.tier !== "regional" || config.kubernetes === undefined) return;
  const e = config.kubernetes.exposure;
  const at = (key: string) => ["kubernetes", "exposure", key];
  if (e.type === "load-balancer") {
    for (const key of ["host", "federationPort", "storeApiPort"] as const) {
      if (e[key] !== undefined)
        fail(
          at(key),
          "no value: a load balancer's address and ports are its own (set it with type node-port or address)",
        );
    }
    return;
  }
  if (e.host === undefined)
    fail(at("host"), `the address the global tier dials this region at (required for type ${e.type})`);
  const nodePorts = DEFAULTS.exposure.nodePorts;
  const [federation, storeApi] =
    e.type === "node-port"
      ? [e.federationPort ?? nodePorts.federation, e.storeApiPort ?? nodePorts.storeApi]
      : [e.federationPort, e.storeApiPort];
  if (federation === undefined || federation !== storeApi) return;
  // Named at the key the stack set: the other may be a default.
  if (e.storeApiPort === undefined) fail(at("federationPort"), `a port other than storeApiPort's ${storeApi}`);
  fail(at("storeApiPort"), `a port other than federationPort's ${federation}`);
}

export const KUBERNETES_RULES: readonly StackRule[] = [
  kubeconfig,
  databasePassword,
  bucketEndpoint,
  bucketCredentials,
  exposure,
];

/** The secret keys a Kubernetes stack's raw config may hold beside the schema's (none on a cloud). */
export function kubernetesSecretKeys(values: Readonly<Record<string, unknown>>): string[] {
  return values.cloud === "kubernetes" ? Object.values(KUBERNETES_SECRET_KEYS) : [];
}
