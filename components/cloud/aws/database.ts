import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseSettings } from "../../../config";
import { POSTGRES_PORT, databasePassword } from "../postgres";
import type { PostgresDatabase } from "../types";
import type { EksCluster } from "./cluster";

export interface RdsPostgresArgs {
  readonly namePrefix: string;
  readonly purpose: string;
  readonly cluster: EksCluster;
  readonly settings: DatabaseSettings;
  readonly databaseName: string;
  readonly username: string;
  readonly provider: aws.Provider;
}

/**
 * RDS PostgreSQL, Multi-AZ, in the cluster's private subnets, reachable on 5432 only from the cluster's
 * security group, encrypted at rest and (rds.force_ssl) in transit, protected from deletion, and leaving a
 * final snapshot if it is ever deleted.
 */
export class RdsPostgres extends pulumi.ComponentResource implements PostgresDatabase {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly databaseName: pulumi.Output<string>;
  readonly username: pulumi.Output<string>;
  readonly password: pulumi.Output<string>;

  constructor(name: string, args: RdsPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:cloud:RdsPostgres", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const base = `${args.namePrefix}-${args.purpose}`;
    const { cluster, settings } = args;

    const subnets = new aws.rds.SubnetGroup(base, { subnetIds: cluster.privateSubnetIds }, child);
    const securityGroup = new aws.ec2.SecurityGroup(
      base,
      {
        description: `PostgreSQL of ${base}: reachable from the EKS cluster only`,
        vpcId: cluster.vpcId,
      },
      child,
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${base}-from-cluster`,
      {
        securityGroupId: securityGroup.id,
        referencedSecurityGroupId: cluster.clusterSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: POSTGRES_PORT,
        toPort: POSTGRES_PORT,
        description: "PostgreSQL from the EKS cluster security group",
      },
      child,
    );
    const parameters = new aws.rds.ParameterGroup(
      base,
      {
        family: `postgres${settings.postgresVersion}`,
        parameters: [{ name: "rds.force_ssl", value: "1" }],
      },
      child,
    );

    const password = databasePassword(`${base}-db-password`, this);
    const instance = new aws.rds.Instance(
      base,
      {
        engine: "postgres",
        engineVersion: settings.postgresVersion,
        instanceClass: settings.instanceClass,
        allocatedStorage: settings.storageGiB,
        // Storage autoscaling up to four times the configured size, so a full disk does not stop Grafana.
        maxAllocatedStorage: settings.storageGiB * 4,
        storageType: "gp3",
        storageEncrypted: true,
        multiAz: true,
        dbName: args.databaseName,
        username: args.username,
        password,
        port: POSTGRES_PORT,
        dbSubnetGroupName: subnets.id,
        vpcSecurityGroupIds: [securityGroup.id],
        parameterGroupName: parameters.id,
        publiclyAccessible: false,
        backupRetentionPeriod: settings.backupRetentionDays,
        copyTagsToSnapshot: true,
        deletionProtection: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: `${base}-final`,
        autoMinorVersionUpgrade: true,
        performanceInsightsEnabled: true,
        enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
      },
      child,
    );

    this.host = instance.address;
    this.port = instance.port;
    this.databaseName = pulumi.output(args.databaseName);
    this.username = pulumi.output(args.username);
    this.password = password;
    this.registerOutputs({
      host: this.host,
      port: this.port,
      databaseName: this.databaseName,
      username: this.username,
    });
  }
}
