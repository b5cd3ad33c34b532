import type { ResourceValidationPolicy } from "@pulumi/policy";
import { propertyPolicy } from "../../lib/policy";
import { GCP } from "../../lib/types";

const SQL = [GCP.sqlInstance];

export const cloudSqlRegional = propertyPolicy({
  name: "cloudsql-regional-availability",
  description: "Cloud SQL instances are REGIONAL (a standby in another zone).",
  types: SQL,
  violations: (db) => {
    const availability = db.settings?.availabilityType;
    return availability === "REGIONAL"
      ? undefined
      : `Cloud SQL instance must set settings.availabilityType: "REGIONAL" (got ${String(availability)})`;
  },
});

/** Cloud SQL keeps 7 daily backups when backupRetentionSettings is not set. */
const DEFAULT_RETAINED_BACKUPS = 7;

export const cloudSqlBackups = propertyPolicy<{ minBackupRetentionDays: number }>({
  name: "cloudsql-backups",
  description: "Cloud SQL instances take daily backups and keep at least the configured number of them.",
  types: SQL,
  configSchema: { properties: { minBackupRetentionDays: { type: "integer", minimum: 1, default: 7 } } },
  violations: (db, { minBackupRetentionDays }) => {
    const backups = db.settings?.backupConfiguration;
    if (backups?.enabled !== true) return "Cloud SQL instance must set settings.backupConfiguration.enabled: true";
    const retained = backups.backupRetentionSettings?.retainedBackups ?? DEFAULT_RETAINED_BACKUPS;
    return retained >= minBackupRetentionDays
      ? undefined
      : `Cloud SQL instance must keep at least ${minBackupRetentionDays} daily backups: backupRetentionSettings.retainedBackups is ${retained}`;
  },
});

export const cloudSqlNoPublicIp = propertyPolicy({
  name: "cloudsql-no-public-ip",
  description: "Cloud SQL instances have no public IPv4 address (private network only).",
  types: SQL,
  violations: (db) =>
    // The provider assigns a public address unless ipv4Enabled is false.
    db.settings?.ipConfiguration?.ipv4Enabled === false
      ? undefined
      : "Cloud SQL instance must set settings.ipConfiguration.ipv4Enabled: false and use a private network",
});

const SSL_MODES = ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"];

export const cloudSqlSslRequired = propertyPolicy({
  name: "cloudsql-ssl-required",
  description: "Cloud SQL instances refuse unencrypted connections.",
  types: SQL,
  violations: (db) => {
    const mode = db.settings?.ipConfiguration?.sslMode;
    return SSL_MODES.includes(mode)
      ? undefined
      : `Cloud SQL instance must set settings.ipConfiguration.sslMode to ${SSL_MODES.join(" or ")} (got ${String(mode)})`;
  },
});

export const cloudSqlDeletionProtection = propertyPolicy({
  name: "cloudsql-deletion-protection",
  description:
    "Cloud SQL instances are protected from deletion, in GCP (settings.deletionProtectionEnabled) and in Pulumi.",
  types: SQL,
  violations: (db) => {
    const messages: string[] = [];
    if (db.settings?.deletionProtectionEnabled !== true)
      messages.push("Cloud SQL instance must set settings.deletionProtectionEnabled: true");
    if (db.deletionProtection === false) messages.push("Cloud SQL instance must not set deletionProtection: false");
    return messages;
  },
});

export const cloudSqlPolicies: ResourceValidationPolicy[] = [
  cloudSqlRegional,
  cloudSqlBackups,
  cloudSqlNoPublicIp,
  cloudSqlSslRequired,
  cloudSqlDeletionProtection,
];
