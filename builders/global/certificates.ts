import type { RegionalOutputs } from "../../contracts/regional-outputs";
import type { IssuedCertificate } from "../rules/certificates";

/** When each certificate the global tier issues expires (RFC 3339). */
export interface GlobalCertificateEnds {
  readonly ingressCa: string;
  readonly queryFrontend: string;
  readonly grafana: string;
  readonly alertmanagerIntermediate: string;
  readonly alertmanagerServer: string;
  /** The Alertmanager intermediate as each region's CA signed it, by region. */
  readonly alertmanagerCrossSigned: Readonly<Record<string, string>>;
  /** Thanos Receive's server certificate (signed by the same intermediate), when a region writes to it. */
  readonly receiveServer?: string;
}

/**
 * Every certificate the federation Prometheus alerts on before it expires: the tier's own, and the copies of
 * each region's CA and client certificate it holds, which expire on the region's schedule and reach the
 * global tier only with its next `up`.
 */
export function globalCertificates(
  ends: GlobalCertificateEnds,
  regions: readonly Pick<RegionalOutputs, "region" | "certificateExpiries">[],
): IssuedCertificate[] {
  const own: Record<string, string> = {
    "ingress-ca": ends.ingressCa,
    "query-frontend": ends.queryFrontend,
    grafana: ends.grafana,
    "alertmanager-intermediate": ends.alertmanagerIntermediate,
    "alertmanager-server": ends.alertmanagerServer,
    ...(ends.receiveServer ? { "receive-server": ends.receiveServer } : {}),
    ...Object.fromEntries(
      Object.entries(ends.alertmanagerCrossSigned).map(([region, end]) => [`alertmanager-intermediate-${region}`, end]),
    ),
  };
  const held = regions.flatMap((o) =>
    Object.entries(o.certificateExpiries ?? {}).map(([name, end]) => [`region-${o.region}-${name}`, end] as const),
  );
  return [...Object.entries(own), ...held].map(([name, validityEndTime]) => ({ name, validityEndTime }));
}
