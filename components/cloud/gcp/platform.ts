import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { BaseStackConfig } from "../../../config";
import type { BucketArgs, BucketIdentityArgs, CloudPlatform, DatabaseArgs } from "../types";
import { GcsBucket } from "./bucket";
import { GkeCluster } from "./cluster";
import { CloudSqlPostgres } from "./database";
import { WorkloadIdentityBucketIdentity } from "./identity";

/** GCP for one stack: every resource goes through one provider pinned to the stack's project and region. */
export class GcpPlatform implements CloudPlatform<GkeCluster, GcsBucket> {
  readonly cloud = "gcp" as const;
  readonly provider: gcp.Provider;
  readonly project: string;

  constructor(
    private readonly config: BaseStackConfig,
    opts?: pulumi.CustomResourceOptions,
  ) {
    if (!config.gcpProject)
      throw new Error(
        `stack '${config.stack}': gcpProject is required on GCP (the ID of the project that owns the stack)`,
      );
    this.project = config.gcpProject;
    this.provider = new gcp.Provider(
      `${config.namePrefix}-gcp`,
      {
        project: config.gcpProject,
        region: config.region,
        // Label values must be lower-case: the name prefix is, the stack name need not be.
        defaultLabels: { "monitoring-stack": config.namePrefix, "managed-by": "pulumi" },
      },
      opts,
    );
  }

  cluster(opts?: pulumi.ComponentResourceOptions): GkeCluster {
    return new GkeCluster(
      `${this.config.namePrefix}-cluster`,
      { config: this.config, project: this.project, provider: this.provider },
      opts,
    );
  }

  bucket(args: BucketArgs, opts?: pulumi.ComponentResourceOptions): GcsBucket {
    return new GcsBucket(
      `${this.config.namePrefix}-${args.purpose}-bucket`,
      {
        namePrefix: this.config.namePrefix,
        purpose: args.purpose,
        region: this.config.region,
        provider: this.provider,
      },
      opts,
    );
  }

  bucketIdentity(
    args: BucketIdentityArgs<GkeCluster, GcsBucket>,
    opts?: pulumi.ComponentResourceOptions,
  ): WorkloadIdentityBucketIdentity {
    return new WorkloadIdentityBucketIdentity(
      `${this.config.namePrefix}-${args.purpose}-identity`,
      {
        namePrefix: this.config.namePrefix,
        purpose: args.purpose,
        access: args.access,
        cluster: args.cluster,
        bucket: args.bucket,
        serviceAccounts: args.serviceAccounts,
        provider: this.provider,
      },
      opts,
    );
  }

  database(args: DatabaseArgs<GkeCluster>, opts?: pulumi.ComponentResourceOptions): CloudSqlPostgres {
    return new CloudSqlPostgres(
      `${this.config.namePrefix}-${args.purpose}-database`,
      {
        namePrefix: this.config.namePrefix,
        purpose: args.purpose,
        cluster: args.cluster,
        settings: args.settings,
        databaseName: args.databaseName ?? args.purpose,
        username: args.username ?? args.purpose,
        provider: this.provider,
      },
      opts,
    );
  }
}
