/**
 * What a region's gateway serves, as both tiers name it: one federation path per Prometheus pod and one TLS
 * server name (SNI) per StoreAPI, all derived from the region's pod list and server name. The regional stack
 * binds these routes to its pods, the global stack points its federation targets and Thanos Query endpoints
 * at them, and neither reads the other's outputs for it: the names follow from the regional outputs alone.
 */
import type { RegionalStackConfig } from "../../config/types";
import type { PrometheusPodRef } from "../../contracts/regional-outputs";

/** Ports the gateway listens on. The load balancer exposes federation and StoreAPI only, never `metrics`. */
export const GATEWAY_PORTS = {
  /** HTTPS, routed by path to each Prometheus pod's /federate. The same number as Prometheus' own web port. */
  federation: 9090,
  /** TLS passthrough, routed by SNI to each sidecar and to the store gateways. */
  storeApi: 10901,
  /** HAProxy's own Prometheus exporter and the probes' /healthz; admitted from the region's Prometheus only. */
  metrics: 8405,
} as const;

/** The route of the store gateways, beside one per Prometheus pod (pod names never take this form). */
export const STORE_GATEWAY_ROUTE = "thanos-store";

/** The path the global federation scrapes for one Prometheus pod; the gateway forwards it to that pod's `/federate`. */
export function federationPath(podName: string): string {
  return `/${podName}/federate`;
}

/**
 * The TLS server name a client asks for to reach one StoreAPI through the gateway. The region's server
 * certificate carries `*.<tlsServerName>`, so the sidecar's or store gateway's own certificate verifies under
 * this name with mutual TLS kept end to end.
 */
export function storeApiServerName(route: string, tlsServerName: string): string {
  return `${route}.${tlsServerName}`;
}

/** The wildcard every region's server certificate carries beside its plain name, for storeApiServerName. */
export function storeApiServerNameWildcard(tlsServerName: string): string {
  return `*.${tlsServerName}`;
}

export interface GatewayRoutes {
  /** One per Prometheus pod, named after it. */
  readonly federation: readonly { readonly name: string; readonly path: string }[];
  /** One per Prometheus pod (its sidecar) and one for the store gateways. */
  readonly storeApi: readonly { readonly name: string; readonly serverName: string }[];
}

export function gatewayRoutes(pods: readonly PrometheusPodRef[], tlsServerName: string): GatewayRoutes {
  if (pods.length === 0) throw new Error("a region's gateway needs at least one Prometheus pod to route to");
  return {
    federation: pods.map((p) => ({ name: p.podName, path: federationPath(p.podName) })),
    storeApi: [...pods.map((p) => p.podName), STORE_GATEWAY_ROUTE].map((name) => ({
      name,
      serverName: storeApiServerName(name, tlsServerName),
    })),
  };
}

/**
 * Load balancers a region's config gets: the one in front of its gateway, whatever its shards and replicas
 * (each Prometheus pod had its own before, 2 x pods + 1). The benchmark's cost table and the stack tests read
 * it from here; the stack tests count the Services the program really creates at 1 and at 8 shards.
 */
export function loadBalancersPerRegion(_config: RegionalStackConfig): number {
  return 1;
}
