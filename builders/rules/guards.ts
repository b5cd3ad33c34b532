import { WATCHDOG_ALERT } from "../alertmanager/config";
import { COMPACTOR_MISSING, REGION_UNREACHABLE } from "../federation/alerts";
import { CERTIFICATE_EXPIRY_ALERT } from "./certificates";
import { COMPACT_HALTED, SIDECAR_NOT_UPLOADING, SIDECAR_UPLOAD_FAILURES } from "./thanos";

/**
 * Alerts no config can switch off: the dead man's switch, and the alerts invariant 10 relies on to say that
 * uploads, the compactor, a region or a certificate are being lost before data or access is.
 */
export const GUARD_ALERTS: readonly string[] = [
  WATCHDOG_ALERT,
  CERTIFICATE_EXPIRY_ALERT,
  SIDECAR_UPLOAD_FAILURES,
  SIDECAR_NOT_UPLOADING,
  COMPACT_HALTED,
  COMPACTOR_MISSING,
  REGION_UNREACHABLE,
];
