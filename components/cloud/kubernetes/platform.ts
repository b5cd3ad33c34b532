import * as pulumi from "@pulumi/pulumi";
import type { BaseStackConfig } from "../../../config";
import type { BucketIdentity, BucketArgs, CloudPlatform, DatabaseArgs } from "../types";
import { ExistingBucket } from "./bucket";
import { ExistingCluster } from "./cluster";
import { ExistingPostgres } from "./database";
import { kubernetesSettings } from "./settings";

/**
 * A cluster, bucket and database the user already runs: the platform creates none of them, only the
 * provider that reaches the cluster. Either tier deploys onto it as onto a cloud's.
 */
export class KubernetesPlatform implements CloudPlatform<ExistingCluster, ExistingBucket> {
  readonly cloud = "kubernetes" as const;

  constructor(
    private readonly config: BaseStackConfig,
    private readonly opts?: pulumi.CustomResourceOptions,
  ) {}

  cluster(opts?: pulumi.ComponentResourceOptions): ExistingCluster {
    return new ExistingCluster(`${this.config.namePrefix}-cluster`, { config: this.config }, { ...this.opts, ...opts });
  }

  bucket(args: BucketArgs, opts?: pulumi.ComponentResourceOptions): ExistingBucket {
    const { bucket } = kubernetesSettings(this.config);
    if (bucket === undefined)
      throw new Error(
        `stack '${this.config.stack}': config key 'monitoring:kubernetes.bucket' is not set, and a ${args.purpose} bucket is needed (a global stack's Thanos Receive, for the regions whose ingestion.mode is remote-write); allowed: the existing bucket {type, name, endpoint, region, insecure} with its secret keys, as a region's kubernetes.bucket`,
      );
    return new ExistingBucket(`${this.config.namePrefix}-${args.purpose}-bucket`, { settings: bucket }, opts);
  }

  /** The credentials are in the objstore file every Thanos component mounts: no identity to bind. */
  bucketIdentity(): BucketIdentity {
    return { serviceAccountAnnotations: pulumi.output<Record<string, string>>({}) };
  }

  database(args: DatabaseArgs<ExistingCluster>, opts?: pulumi.ComponentResourceOptions): ExistingPostgres {
    const settings = kubernetesSettings(this.config);
    if (!("database" in settings)) throw new Error(`stack ${this.config.stack}: only the global stack has a database`);
    return new ExistingPostgres(
      `${this.config.namePrefix}-${args.purpose}-database`,
      { settings: settings.database },
      opts,
    );
  }
}
