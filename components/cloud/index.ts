import type * as pulumi from "@pulumi/pulumi";
import type { BaseStackConfig, Cloud } from "../../config";
import { AwsPlatform } from "./aws/platform";
import { GcpPlatform } from "./gcp/platform";
import { KubernetesPlatform } from "./kubernetes/platform";
import type { CloudPlatform, KubernetesCluster, ObjectBucket } from "./types";

/** What a tier does on its stack's cloud, whichever it is: generic in the cluster and bucket the cloud makes. */
export type OnCloud<R> = <C extends KubernetesCluster, B extends ObjectBucket>(cloud: CloudPlatform<C, B>) => R;

/**
 * Runs `deploy` on the stack's cloud, with its explicit provider (region, and project on GCP) created here once:
 *
 *   onCloud(config, (cloud) => {
 *     const cluster = cloud.cluster();
 *     const bucket = cloud.bucket({ purpose: "thanos" });
 *     cloud.bucketIdentity({ purpose: "thanos-store", access: "read", cluster, bucket, serviceAccounts: [...] });
 *   });
 *
 * Inside `deploy` the cluster and bucket types are the cloud's own and opaque, so handing the cloud a cluster
 * or bucket another platform made does not compile. Call it once per stack: a second call makes a second
 * provider of the same name.
 */
export function onCloud<R>(config: BaseStackConfig, deploy: OnCloud<R>, opts?: pulumi.CustomResourceOptions): R {
  return deploy(new PLATFORMS[config.cloud](config, opts));
}

/** Each cloud's platform (components/cloud/<cloud>/platform.ts); a new cloud is a compile error here until it has one. */
const PLATFORMS: Record<Cloud, new (config: BaseStackConfig, opts?: pulumi.CustomResourceOptions) => CloudPlatform> = {
  aws: AwsPlatform,
  gcp: GcpPlatform,
  kubernetes: KubernetesPlatform,
};

export * from "./types";
export { AwsPlatform } from "./aws/platform";
export { GcpPlatform } from "./gcp/platform";
export { EksCluster, EKS_LOG_TYPES } from "./aws/cluster";
export { S3Bucket } from "./aws/bucket";
export { IrsaBucketIdentity, IRSA_ROLE_ANNOTATION } from "./aws/identity";
export { RdsPostgres } from "./aws/database";
export { GkeCluster } from "./gcp/cluster";
export { GcsBucket } from "./gcp/bucket";
export { WorkloadIdentityBucketIdentity, WORKLOAD_IDENTITY_ANNOTATION } from "./gcp/identity";
export { CloudSqlPostgres } from "./gcp/database";
export { POSTGRES_PORT } from "./postgres";
export type { ObjectStoreLocation } from "../../builders/cloud/object-store";
export type { KubernetesServiceAccountRef } from "../../builders/cloud/service-accounts";
