/**
 * The cluster binding of the region gateway (builders/gateway): every route to the in-cluster DNS name of
 * its pod or Service, the files where the gateway's pod mounts them. The local topology binds the same
 * builder to loopback (local/render.ts).
 */
import { selectorLabels } from "../k8s/labels";
import { haproxyGatewayConfig } from "../gateway/haproxy";
import { GATEWAY_PORTS, STORE_GATEWAY_ROUTE, gatewayRoutes } from "../gateway/routes";
import { MONITORING_NAMESPACE, NAMES, PORTS } from "./layout";
import type { RegionalPlan } from "./plan";

export const GATEWAY = {
  name: "region-gateway",
  /** Two replicas in two zones behind the one load balancer: losing either leaves the region reachable. */
  replicas: 2,
  /** Where the official image reads its config. */
  configDir: "/usr/local/etc/haproxy",
  configFile: "/usr/local/etc/haproxy/haproxy.cfg",
  tlsDir: "/etc/gateway/tls",
  /** The gateway's server certificate followed by its key, as HAProxy's `crt` wants them. */
  certFile: "/etc/gateway/tls/gateway.pem",
  caFile: "/etc/gateway/tls/ca.crt",
  /** The `haproxy` user of the official image. */
  uid: 99,
} as const;

/** Labels of the gateway's pods: the NetworkPolicies admit them, the global tier's load balancer selects them. */
export function gatewaySelector(instance: string): Record<string, string> {
  return selectorLabels({ name: GATEWAY.name, instance });
}

const clusterHost = (name: string) => `${name}.${MONITORING_NAMESPACE}.svc.cluster.local`;
const podHost = (podName: string) => clusterHost(`${podName}.${NAMES.prometheusService}`);

/** The gateway's HAProxy config in a cluster; `files` are where its pod finds the certificate and CA. */
export function regionalGatewayConfig(
  plan: RegionalPlan,
  files: { readonly certFile: string; readonly caFile: string } = GATEWAY,
): string {
  const routes = gatewayRoutes(plan.pods, plan.tlsServerName);
  const storeServer = (name: string) =>
    name === STORE_GATEWAY_ROUTE
      ? { name: NAMES.storeGateway, address: `${clusterHost(NAMES.storeGateway)}:${PORTS.thanosGrpc}` }
      : { name, address: `${podHost(name)}:${PORTS.thanosGrpc}` };
  return haproxyGatewayConfig({
    federation: {
      binds: [`:${GATEWAY_PORTS.federation}`],
      certFile: files.certFile,
      backendCaFile: files.caFile,
      backendServerName: plan.tlsServerName,
      routes: routes.federation.map((r) => ({
        ...r,
        servers: [{ name: r.name, address: `${podHost(r.name)}:${PORTS.prometheusWeb}` }],
      })),
    },
    storeApi: {
      binds: [`:${GATEWAY_PORTS.storeApi}`],
      routes: routes.storeApi.map((r) => ({ ...r, servers: [storeServer(r.name)] })),
    },
    metricsBind: `:${GATEWAY_PORTS.metrics}`,
    runtimeDns: true,
  });
}
