/**
 * Names in the global cluster that each lead to one region gateway's load balancer, one per StoreAPI route.
 * Thanos Query keys its endpoints by address and keeps only one of several with the same address
 * (removeDuplicateEndpointSpecs, cmd/thanos/endpointset.go at v0.42.4), while every StoreAPI of a region
 * sits behind the same load-balancer address and port, told apart only by TLS server name. Each StoreAPI is
 * therefore dialled through its own Service of the global cluster: an ExternalName (a DNS alias) where the
 * load balancer has a host name (AWS), or a selector-less Service with one EndpointSlice holding the load
 * balancer's IP (GCP), since an ExternalName must be a DNS name. Neither is a cloud load balancer: they cost
 * nothing, and their count is no cost.
 */
import { isIP } from "node:net";
import type { RegionalOutputs } from "../../contracts/regional-outputs";
import { gatewayRoutes } from "../gateway/routes";
import { serviceHost } from "./layout";

interface AliasPort {
  name: string;
  port: number;
  protocol: "TCP";
}

export interface StoreApiAlias {
  /** The StoreAPI route it leads to. */
  readonly route: string;
  /** The Service's name: `store-api-<region>-<route>`. */
  readonly serviceName: string;
  /** `host:port` Thanos Query dials. */
  readonly address: string;
  readonly service: { type: "ExternalName"; externalName: string } | { type: "ClusterIP"; ports: AliasPort[] };
  /** The EndpointSlice's `addressType`, `endpoints` and `ports`, for a ClusterIP alias only. */
  readonly endpointSlice?: { addressType: "IPv4" | "IPv6"; endpoints: { addresses: string[] }[]; ports: AliasPort[] };
}

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const PORT_NAME = "store-api";

export function storeApiAlias(region: string, route: string, loadBalancerAddress: string, port: number): StoreApiAlias {
  const serviceName = `store-api-${region}-${route}`;
  if (!DNS_LABEL.test(serviceName)) {
    throw new Error(
      `region '${region}': the Service name '${serviceName}' for its StoreAPI '${route}' is not a DNS label of at most 63 characters; use a shorter stack name`,
    );
  }
  const address = `${serviceHost(serviceName)}:${port}`;
  const family = isIP(loadBalancerAddress);
  if (family === 0)
    return { route, serviceName, address, service: { type: "ExternalName", externalName: loadBalancerAddress } };
  const ports = [{ name: PORT_NAME, port, protocol: "TCP" as const }];
  return {
    route,
    serviceName,
    address,
    service: { type: "ClusterIP", ports },
    endpointSlice: {
      addressType: family === 4 ? "IPv4" : "IPv6",
      endpoints: [{ addresses: [loadBalancerAddress] }],
      ports,
    },
  };
}

/** The alias of every StoreAPI route of a region whose gateway the global tier dials at `gatewayHost:storeApiPort`. */
export function storeApiAliases(
  o: Pick<RegionalOutputs, "region" | "prometheusPods" | "tlsServerName">,
  gatewayHost: string,
  storeApiPort: number,
): StoreApiAlias[] {
  return gatewayRoutes(o.prometheusPods, o.tlsServerName).storeApi.map((r) =>
    storeApiAlias(o.region, r.name, gatewayHost, storeApiPort),
  );
}

/** What Thanos Query dials for each StoreAPI route, by route name. */
export function storeApiAliasAddresses(aliases: readonly StoreApiAlias[]): Record<string, string> {
  return Object.fromEntries(aliases.map((a) => [a.route, a.address]));
}
