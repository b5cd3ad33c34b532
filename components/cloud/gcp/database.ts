import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseSettings } from "../../../config";
import { POSTGRES_PORT, databasePassword } from "../postgres";
import type { PostgresDatabase } from "../types";
import type { GkeCluster } from "./cluster";

/** Private service access needs a range Google's service producers carve instance addresses from. */
const PRIVATE_SERVICE_RANGE_PREFIX = 16;

export interface CloudSqlPostgresArgs {
  readonly namePrefix: string;
  readonly purpose: string;
  readonly cluster: GkeCluster;
  readonly settings: DatabaseSettings;
  readonly databaseName: string;
  readonly username: string;
  readonly provider: gcp.Provider;
}

/**
 * Cloud SQL PostgreSQL, REGIONAL (a standby in a second zone), with a private address in the cluster's VPC
 * only (private service access, no public IP), TLS required, daily backups with point-in-time recovery, and
 * deletion protected both in Pulumi and in the Cloud SQL API.
 */
export class CloudSqlPostgres extends pulumi.ComponentResource implements PostgresDatabase {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly databaseName: pulumi.Output<string>;
  readonly username: pulumi.Output<string>;
  readonly password: pulumi.Output<string>;

  constructor(name: string, args: CloudSqlPostgresArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:cloud:CloudSqlPostgres", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const base = `${args.namePrefix}-${args.purpose}`;
    const { cluster, settings } = args;

    const peeringRange = new gcp.compute.GlobalAddress(
      `${base}-private-services`,
      {
        network: cluster.networkId,
        purpose: "VPC_PEERING",
        addressType: "INTERNAL",
        prefixLength: PRIVATE_SERVICE_RANGE_PREFIX,
      },
      child,
    );
    const peering = new gcp.servicenetworking.Connection(
      `${base}-private-services`,
      {
        network: cluster.networkId,
        service: "servicenetworking.googleapis.com",
        reservedPeeringRanges: [peeringRange.name],
      },
      child,
    );

    const instance = new gcp.sql.DatabaseInstance(
      base,
      {
        region: cluster.region,
        databaseVersion: `POSTGRES_${settings.postgresVersion}`,
        deletionProtection: true,
        settings: {
          // ENTERPRISE, not the Enterprise Plus default of newer versions, which refuses db-custom-* tiers.
          edition: "ENTERPRISE",
          tier: settings.instanceClass,
          availabilityType: "REGIONAL",
          diskType: "PD_SSD",
          diskSize: settings.storageGiB,
          diskAutoresize: true,
          deletionProtectionEnabled: true,
          backupConfiguration: {
            enabled: true,
            pointInTimeRecoveryEnabled: true,
            startTime: "03:00",
            backupRetentionSettings: { retainedBackups: settings.backupRetentionDays, retentionUnit: "COUNT" },
            transactionLogRetentionDays: 7,
          },
          ipConfiguration: {
            ipv4Enabled: false,
            privateNetwork: cluster.networkId,
            sslMode: "ENCRYPTED_ONLY",
          },
          insightsConfig: { queryInsightsEnabled: true },
        },
      },
      { ...child, dependsOn: [peering] },
    );
    const database = new gcp.sql.Database(`${base}-db`, { instance: instance.name, name: args.databaseName }, child);
    const password = databasePassword(`${base}-db-password`, this);
    const user = new gcp.sql.User(`${base}-user`, { instance: instance.name, name: args.username, password }, child);

    this.host = instance.privateIpAddress;
    this.port = pulumi.output(POSTGRES_PORT);
    this.databaseName = database.name;
    this.username = user.name;
    this.password = password;
    this.registerOutputs({
      host: this.host,
      port: this.port,
      databaseName: this.databaseName,
      username: this.username,
    });
  }
}
