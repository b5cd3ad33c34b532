import { listenArgs, thanosArgs, type ThanosListen } from "../thanos/common";

/**
 * A Thanos sidecar beside each federation Prometheus replica, serving its TSDB as a StoreAPI (no bucket:
 * nothing is uploaded). Thanos Query deduplicates the replicas on their replica label, so the global
 * series the dashboards read have no gap when one federation replica restarts.
 */
export interface FederationSidecarParams {
  readonly prometheusUrl: string;
  readonly listen: ThanosListen;
}

export function federationSidecarArgs(p: FederationSidecarParams): string[] {
  return thanosArgs("sidecar", [`--prometheus.url=${p.prometheusUrl}`], listenArgs(p.listen));
}
