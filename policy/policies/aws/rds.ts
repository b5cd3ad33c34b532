import type { ResourceValidationPolicy } from "@pulumi/policy";
import { propertyPolicy } from "../../lib/policy";
import { AWS } from "../../lib/types";

const RDS = [AWS.rdsInstance];

export const rdsMultiAz = propertyPolicy({
  name: "rds-multi-az",
  description: "RDS instances run Multi-AZ, so losing a zone fails over instead of stopping Grafana.",
  types: RDS,
  violations: (db) =>
    db.multiAz === true ? undefined : `RDS instance must set multiAz: true (got ${String(db.multiAz)})`,
});

export const rdsEncrypted = propertyPolicy({
  name: "rds-storage-encrypted",
  description: "RDS instances encrypt their storage at rest.",
  types: RDS,
  violations: (db) =>
    db.storageEncrypted === true
      ? undefined
      : `RDS instance must set storageEncrypted: true (got ${String(db.storageEncrypted)})`,
});

export const rdsBackupRetention = propertyPolicy<{ minBackupRetentionDays: number }>({
  name: "rds-backup-retention",
  description: "RDS instances keep automated backups for at least the configured number of days.",
  types: RDS,
  configSchema: { properties: { minBackupRetentionDays: { type: "integer", minimum: 1, default: 7 } } },
  violations: (db, { minBackupRetentionDays }) => {
    const days = db.backupRetentionPeriod;
    return typeof days === "number" && days >= minBackupRetentionDays
      ? undefined
      : `RDS instance must keep backups for at least ${minBackupRetentionDays} days: backupRetentionPeriod is ${String(days)}`;
  },
});

export const rdsDeletionProtection = propertyPolicy({
  name: "rds-deletion-protection",
  description: "RDS instances are protected from deletion.",
  types: RDS,
  violations: (db) =>
    db.deletionProtection === true
      ? undefined
      : `RDS instance must set deletionProtection: true (got ${String(db.deletionProtection)})`,
});

export const rdsNotPublic = propertyPolicy({
  name: "rds-not-publicly-accessible",
  description: "RDS instances have no public address.",
  types: RDS,
  violations: (db) =>
    db.publiclyAccessible === true ? "RDS instance must not set publiclyAccessible: true" : undefined,
});

export const rdsPolicies: ResourceValidationPolicy[] = [
  rdsMultiAz,
  rdsEncrypted,
  rdsBackupRetention,
  rdsDeletionProtection,
  rdsNotPublic,
];
