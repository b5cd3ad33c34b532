import { DEFAULTS } from "../../config/defaults";
import type { GatewayExposure } from "../../contracts/regional-outputs";

/** A regional stack's `kubernetes.exposure`, as the schema reads it (absent on a cloud). */
export interface ExposureSettings {
  readonly type: GatewayExposure["type"];
  readonly host?: string;
  readonly federationPort?: number;
  readonly storeApiPort?: number;
}

/**
 * The `gatewayExposure` output: where the global tier dials the region gateway. A node port defaults to the
 * project's fixed pair (so firewalls can name it); a route of the user's own defaults to the gateway's ports.
 */
export function gatewayExposure(
  settings: ExposureSettings | undefined,
  gatewayPorts: { readonly federation: number; readonly storeApi: number },
): GatewayExposure {
  if (settings === undefined || settings.type === "load-balancer") return { type: "load-balancer" };
  // Validation requires a host for these types (config/cloud/kubernetes/rules.ts).
  if (settings.host === undefined) throw new Error(`kubernetes.exposure type ${settings.type} has no host`);
  const defaults = settings.type === "node-port" ? DEFAULTS.exposure.nodePorts : gatewayPorts;
  return {
    type: settings.type,
    host: settings.host,
    federationPort: settings.federationPort ?? defaults.federation,
    storeApiPort: settings.storeApiPort ?? defaults.storeApi,
  };
}
