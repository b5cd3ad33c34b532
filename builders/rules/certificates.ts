import { type AlertSettings, withAlertSettings } from "./settings";
import type { AlertingRule, RecordingRule, RuleFile } from "./types";

/**
 * No Prometheus or Thanos binary reports the expiry of the certificates it serves or presents, so each
 * stack publishes the certificates it issued itself: one constant series per certificate, recorded from the
 * `validityEndTime` @pulumi/tls reports, re-rendered (and reloaded) whenever `pulumi up` renews one.
 */
export const CERTIFICATE_EXPIRY_METRIC = "monitoring_certificate_expiry_timestamp_seconds";
export const CERTIFICATE_EXPIRY_ALERT = "CertificateExpiresSoon";

export interface IssuedCertificate {
  /** What the certificate is for, the `certificate` label: `server`, `alertmanager-intermediate-us-east`. */
  readonly name: string;
  /** RFC 3339, as @pulumi/tls `validityEndTime` gives it. */
  readonly validityEndTime: string;
}

const DAY = 86400;

/**
 * The expiry series of every issued certificate and the alert `warningDays` before any of them expires.
 * The warning should lie inside the certificates' early-renewal window, so a routine `pulumi up` (which
 * replaces a leaf in that window) keeps it quiet, and it fires only when nobody ran one in time.
 */
export function certificateRules(
  certificates: readonly IssuedCertificate[],
  warningDays: number,
  alerts: AlertSettings,
): RuleFile<RecordingRule | AlertingRule> {
  if (!(Number.isInteger(warningDays) && warningDays > 0))
    throw new Error(`certificate warning: ${warningDays} is not a whole number of days`);
  const names = new Set<string>();
  const records: RecordingRule[] = certificates.map((c) => {
    if (names.has(c.name)) throw new Error(`certificate '${c.name}' is listed twice`);
    names.add(c.name);
    const expiry = Date.parse(c.validityEndTime);
    if (Number.isNaN(expiry))
      throw new Error(`certificate '${c.name}': validityEndTime '${c.validityEndTime}' is not an RFC 3339 time`);
    return {
      record: CERTIFICATE_EXPIRY_METRIC,
      expr: `vector(${Math.floor(expiry / 1000)})`,
      labels: { certificate: c.name },
    };
  });
  const alert: AlertingRule = {
    alert: CERTIFICATE_EXPIRY_ALERT,
    expr: `${CERTIFICATE_EXPIRY_METRIC} - time() < ${warningDays * DAY}`,
    labels: { severity: "critical" },
    annotations: {
      summary: "A certificate this stack issued expires soon.",
      description:
        `Certificate {{ $labels.certificate }} expires in {{ $value | humanizeDuration }}: run pulumi up on this stack (it renews leaf certificates ` +
        `in their last 30 days) and then on the global stack, or TLS between the tiers fails.`,
    },
  };
  // One group: rules of a group run in order, so the alert reads this evaluation's expiry series.
  return withAlertSettings({ groups: [{ name: "certificates", rules: [...records, alert] }] }, alerts);
}
