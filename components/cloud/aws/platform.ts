import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { BaseStackConfig } from "../../../config";
import type { BucketArgs, BucketIdentityArgs, CloudPlatform, DatabaseArgs } from "../types";
import { S3Bucket } from "./bucket";
import { EksCluster } from "./cluster";
import { RdsPostgres } from "./database";
import { IrsaBucketIdentity } from "./identity";

/** AWS for one stack: every resource goes through one provider pinned to the stack's region. */
export class AwsPlatform implements CloudPlatform<EksCluster, S3Bucket> {
  readonly cloud = "aws" as const;
  readonly provider: aws.Provider;

  constructor(
    private readonly config: BaseStackConfig,
    opts?: pulumi.CustomResourceOptions,
  ) {
    this.provider = new aws.Provider(
      `${config.namePrefix}-aws`,
      {
        region: config.region,
        defaultTags: { tags: { "monitoring:stack": config.stack, "monitoring:managed-by": "pulumi" } },
      },
      opts,
    );
  }

  cluster(opts?: pulumi.ComponentResourceOptions): EksCluster {
    return new EksCluster(`${this.config.namePrefix}-cluster`, { config: this.config, provider: this.provider }, opts);
  }

  bucket(args: BucketArgs, opts?: pulumi.ComponentResourceOptions): S3Bucket {
    return new S3Bucket(
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
    args: BucketIdentityArgs<EksCluster, S3Bucket>,
    opts?: pulumi.ComponentResourceOptions,
  ): IrsaBucketIdentity {
    return new IrsaBucketIdentity(
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

  database(args: DatabaseArgs<EksCluster>, opts?: pulumi.ComponentResourceOptions): RdsPostgres {
    return new RdsPostgres(
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
