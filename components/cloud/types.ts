import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { BucketAccess } from "../../builders/cloud/bucket-access";
import type { KubernetesServiceAccountRef } from "../../builders/cloud/service-accounts";
import type { ObjectStoreLocation } from "../../builders/cloud/object-store";
import type { Cloud, DatabaseSettings } from "../../config";

/** A Kubernetes cluster of either cloud: what the tiers deploy into and hand to the global stack. */
export interface KubernetesCluster {
  readonly cloud: Cloud;
  readonly clusterName: pulumi.Output<string>;
  /** Secret. YAML with exec credentials (`aws eks get-token` / `gke-gcloud-auth-plugin`), no token inside. */
  readonly kubeconfig: pulumi.Output<string>;
  /** Provider for every Kubernetes object of this cluster. */
  readonly provider: k8s.Provider;
  /** Addresses the cluster's pods leave from (NAT), as /32 CIDRs. */
  readonly egressCidrs: pulumi.Output<string[]>;
  readonly zones: readonly string[];
  /**
   * A zonal, encrypted SSD StorageClass present on the cluster (the same name on both clouds); on a cluster
   * the user runs, the one the stack names, or none for the cluster's default.
   */
  readonly storageClassName: string | undefined;
  /**
   * What workloads wait for: nodes to run on (node groups or pool) and the CSI driver that provisions their
   * volumes. Without it a StatefulSet is created as soon as the API server answers, and its await times out
   * on a first run.
   */
  readonly workloadsReady: readonly pulumi.Resource[];
}

/** A bucket for Thanos blocks: private, versioned, encrypted. */
export interface ObjectBucket {
  readonly bucketName: pulumi.Output<string>;
  /** What the Thanos objstore builder takes (type, bucket, region and endpoint for S3). */
  readonly location: pulumi.Output<ObjectStoreLocation>;
}

/** A cloud identity Kubernetes service accounts assume to use one bucket; no static key exists. */
export interface BucketIdentity {
  /** Put these on each Kubernetes ServiceAccount named in the identity's `serviceAccounts`. */
  readonly serviceAccountAnnotations: pulumi.Output<Record<string, string>>;
}

/** A managed, highly available PostgreSQL reachable only from the cluster. */
export interface PostgresDatabase {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly databaseName: pulumi.Output<string>;
  readonly username: pulumi.Output<string>;
  /** Secret. */
  readonly password: pulumi.Output<string>;
}

export interface BucketArgs {
  /** What the bucket holds, part of its names: `thanos`. */
  readonly purpose: string;
}

export interface BucketIdentityArgs<
  C extends KubernetesCluster = KubernetesCluster,
  B extends ObjectBucket = ObjectBucket,
> {
  /** Part of the identity's names: `thanos-store`. */
  readonly purpose: string;
  /** What the identity may do with the bucket's objects. */
  readonly access: BucketAccess;
  readonly cluster: C;
  readonly bucket: B;
  /** Every Kubernetes service account allowed to act as this identity. */
  readonly serviceAccounts: readonly KubernetesServiceAccountRef[];
}

export interface DatabaseArgs<C extends KubernetesCluster = KubernetesCluster> {
  /** Part of the database's names: `grafana`. */
  readonly purpose: string;
  readonly cluster: C;
  readonly settings: DatabaseSettings;
  /** Name of the database and of its owner; defaults to `purpose`. */
  readonly databaseName?: string;
  readonly username?: string;
}

/**
 * One stack's cloud, with its provider: the tiers ask it for a cluster, bucket, identity and database and
 * never learn which cloud answered. Resources it creates are named from the stack's `namePrefix`. It builds
 * identities and databases only next to its own cluster and bucket (they need its VPC, OIDC issuer or
 * workload pool): `C` and `B` are the cluster and bucket it makes, and it takes only those back, which the
 * compiler checks (see `onCloud`).
 */
export interface CloudPlatform<C extends KubernetesCluster = KubernetesCluster, B extends ObjectBucket = ObjectBucket> {
  readonly cloud: Cloud;
  cluster(opts?: pulumi.ComponentResourceOptions): C;
  bucket(args: BucketArgs, opts?: pulumi.ComponentResourceOptions): B;
  bucketIdentity(args: BucketIdentityArgs<C, B>, opts?: pulumi.ComponentResourceOptions): BucketIdentity;
  database(args: DatabaseArgs<C>, opts?: pulumi.ComponentResourceOptions): PostgresDatabase;
}
