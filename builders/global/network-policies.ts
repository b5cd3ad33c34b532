/**
 * The global namespace's traffic, all of it in one table: the namespace denies everything both ways
 * (builders/k8s/network-policies.ts), DNS goes to the cluster DNS, and each workload gets exactly the flows
 * below. Ports behind a load balancer are admitted from the load balancer's addresses (builders/cloud/network.ts),
 * in-cluster flows from the pods that use them; egress to the outside (regions' load balancers, receivers,
 * the managed database) never reaches instance metadata.
 */
import { loadBalancerPeers } from "../cloud/network";
import { INTERNET_PEERS } from "../k8s/network-policies";
import type { Cloud } from "../../config/clouds";
import { ALERTMANAGER, FEDERATION, GRAFANA, QUERY_FRONTEND, THANOS_QUERY } from "./layout";

export { allowDnsSpec, defaultDenySpec } from "../k8s/network-policies";

type Selector = Readonly<Record<string, string>>;
/** `load-balancer`: the workload's own load balancer; `internet`: outside the cluster, metadata excluded. */
type Peer = "load-balancer" | "internet" | { readonly pods: Selector };

export interface Flow {
  readonly peers: readonly Peer[];
  /** Absent: every port (receivers and webhooks may listen anywhere). */
  readonly ports?: readonly { readonly port: number; readonly protocol?: "TCP" | "UDP" }[];
}

export interface WorkloadTraffic {
  readonly name: string;
  readonly selector: Selector;
  readonly ingress: readonly Flow[];
  readonly egress: readonly Flow[];
}

export interface GlobalSelectors {
  readonly alertmanager: Selector;
  readonly federation: Selector;
  readonly query: Selector;
  readonly frontend: Selector;
  readonly grafana: Selector;
}

/** Where the global cluster runs: its load balancers' addresses depend on it. */
export interface GlobalNetwork {
  readonly cloud: Cloud;
  readonly vpcCidr: string;
  readonly zones: readonly string[];
}

const tcp = (port: number) => ({ port, protocol: "TCP" as const });
const gossipOn = (port: number) => [tcp(port), { port, protocol: "UDP" as const }];
const gossip = gossipOn(ALERTMANAGER.clusterPort);
/** Managed PostgreSQL (RDS, Cloud SQL), reached at its private address. */
const POSTGRES_PORT = 5432;

/** Who talks to whom in the global tier. */
export function globalTraffic(s: GlobalSelectors): WorkloadTraffic[] {
  const pods = (selector: Selector) => ({ pods: selector });
  return [
    {
      name: ALERTMANAGER.name,
      selector: s.alertmanager,
      // The regions through the peers' load balancers, the federation Prometheus directly; gossip among peers.
      ingress: [
        { peers: ["load-balancer", pods(s.federation)], ports: [tcp(ALERTMANAGER.webPort)] },
        { peers: [pods(s.alertmanager)], ports: gossip },
      ],
      egress: [{ peers: [pods(s.alertmanager)], ports: gossip }, { peers: ["internet"] }],
    },
    {
      name: FEDERATION.name,
      selector: s.federation,
      ingress: [
        { peers: [pods(s.grafana)], ports: [tcp(FEDERATION.port)] },
        { peers: [pods(s.query)], ports: [tcp(FEDERATION.sidecarGrpcPort)] },
      ],
      // Every region's per-pod load balancers, every Alertmanager peer, and Thanos Query's metrics.
      egress: [
        { peers: ["internet"] },
        { peers: [pods(s.alertmanager)], ports: [tcp(ALERTMANAGER.webPort)] },
        { peers: [pods(s.query)], ports: [tcp(THANOS_QUERY.httpPort)] },
      ],
    },
    {
      name: THANOS_QUERY.name,
      selector: s.query,
      ingress: [{ peers: [pods(s.frontend), pods(s.grafana), pods(s.federation)], ports: [tcp(THANOS_QUERY.httpPort)] }],
      // Every region's StoreAPIs through their load balancers, and the federation's sidecars.
      egress: [{ peers: ["internet"] }, { peers: [pods(s.federation)], ports: [tcp(FEDERATION.sidecarGrpcPort)] }],
    },
    {
      name: QUERY_FRONTEND.name,
      selector: s.frontend,
      ingress: [{ peers: ["load-balancer", pods(s.grafana)], ports: [tcp(QUERY_FRONTEND.httpPort)] }],
      egress: [{ peers: [pods(s.query)], ports: [tcp(THANOS_QUERY.httpPort)] }],
    },
    {
      name: GRAFANA.name,
      selector: s.grafana,
      // Users through the load balancer; the unified-alerting peers gossip among themselves.
      ingress: [{ peers: ["load-balancer"], ports: [tcp(GRAFANA.port)] }, { peers: [pods(s.grafana)], ports: gossipOn(GRAFANA.alertingPort) }],
      egress: [
        { peers: [pods(s.grafana)], ports: gossipOn(GRAFANA.alertingPort) },
        { peers: [pods(s.frontend)], ports: [tcp(QUERY_FRONTEND.httpPort)] },
        { peers: [pods(s.query)], ports: [tcp(THANOS_QUERY.httpPort)] },
        { peers: [pods(s.federation)], ports: [tcp(FEDERATION.port)] },
        { peers: ["internet"], ports: [tcp(POSTGRES_PORT)] },
      ],
    },
  ];
}

/** The NetworkPolicy spec of one workload's traffic. */
export function globalPolicySpec(t: WorkloadTraffic, network: GlobalNetwork) {
  const peers = (list: readonly Peer[]): object[] =>
    list.flatMap((p): object[] =>
      p === "load-balancer" ? loadBalancerPeers(network.cloud, network.vpcCidr, network.zones)
        : p === "internet" ? INTERNET_PEERS
        : [{ podSelector: { matchLabels: { ...p.pods } } }]);
  const rule = (direction: "from" | "to", f: Flow) => ({
    [direction]: peers(f.peers),
    ...(f.ports ? { ports: f.ports.map((p) => ({ protocol: p.protocol ?? "TCP", port: p.port })) } : {}),
  });
  return {
    podSelector: { matchLabels: { ...t.selector } },
    policyTypes: ["Ingress", "Egress"],
    ingress: t.ingress.map((f) => rule("from", f)),
    egress: t.egress.map((f) => rule("to", f)),
  };
}
