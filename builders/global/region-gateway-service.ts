import type { GatewayExposure, RegionalOutputs } from "../../contracts/regional-outputs";

interface GatewayServicePort {
  readonly name: "federation" | "store-api";
  readonly port: number;
  readonly targetPort: number;
  readonly nodePort?: number;
  readonly protocol: "TCP";
}

/**
 * The gateway's federation and StoreAPI ports, as every Service in front of it exposes them (a load balancer's,
 * a NodePort's on the given node ports, a ClusterIP's).
 */
export function gatewayServicePorts(
  o: Pick<RegionalOutputs, "federationPort" | "storeApiPort">,
  nodePorts?: { readonly federation: number; readonly storeApi: number },
): GatewayServicePort[] {
  return [
    {
      name: "federation",
      port: o.federationPort,
      targetPort: o.federationPort,
      ...(nodePorts ? { nodePort: nodePorts.federation } : {}),
      protocol: "TCP",
    },
    {
      name: "store-api",
      port: o.storeApiPort,
      targetPort: o.storeApiPort,
      ...(nodePorts ? { nodePort: nodePorts.storeApi } : {}),
      protocol: "TCP",
    },
  ];
}

/**
 * The spec of the Service the global tier puts in front of a region gateway, besides a load balancer's
 * (components/workload.ts loadBalancer): a NodePort Service on the exposure's node ports, spreading over
 * every node's gateway pods (externalTrafficPolicy Cluster, since the dialled node need not run one), or a
 * ClusterIP Service a route of the user's own leads to.
 */
export function regionGatewayServiceSpec(
  exposure: Exclude<GatewayExposure, { type: "load-balancer" }>,
  o: Pick<RegionalOutputs, "gatewaySelector" | "federationPort" | "storeApiPort">,
) {
  const nodePort = exposure.type === "node-port";
  const ports = gatewayServicePorts(
    o,
    nodePort ? { federation: exposure.federationPort, storeApi: exposure.storeApiPort } : undefined,
  );
  return nodePort
    ? {
        type: "NodePort" as const,
        selector: { ...o.gatewaySelector },
        ports,
        externalTrafficPolicy: "Cluster" as const,
      }
    : { type: "ClusterIP" as const, selector: { ...o.gatewaySelector }, ports };
}

/** The ports the global tier dials a region gateway at: a load balancer's are the gateway's own. */
export function dialledGatewayPorts(o: Pick<RegionalOutputs, "gatewayExposure" | "federationPort" | "storeApiPort">): {
  federation: number;
  storeApi: number;
} {
  const e = o.gatewayExposure;
  return e === undefined || e.type === "load-balancer"
    ? { federation: o.federationPort, storeApi: o.storeApiPort }
    : { federation: e.federationPort, storeApi: e.storeApiPort };
}
