/**
 * The global namespace's traffic, all of it in one table: the namespace denies everything both ways and
 * each workload gets exactly the flows below (builders/k8s/network-policies.ts makes them NetworkPolicies).
 * Ports behind a load balancer are admitted from the load balancer's addresses, in-cluster flows from the
 * pods that use them; egress to the outside (regions' load balancers, receivers, the managed database)
 * never reaches instance metadata.
 */
import type { Flow, WorkloadTraffic } from "../k8s/network-policies";
import { ALERTMANAGER, FEDERATION, GRAFANA, QUERY_FRONTEND, RESULTS_CACHE, THANOS_QUERY } from "./layout";

type Selector = Readonly<Record<string, string>>;

/** One global workload's traffic, by the workload's name. */
export interface GlobalWorkloadTraffic extends WorkloadTraffic {
  readonly name: string;
}

export interface GlobalSelectors {
  readonly alertmanager: Selector;
  readonly federation: Selector;
  readonly query: Selector;
  readonly frontend: Selector;
  readonly resultsCache: Selector;
  readonly grafana: Selector;
}

const tcp = (port: number): NonNullable<Flow["ports"]>[number] => ({ port, protocol: "TCP" });
const gossipOn = (port: number) => [tcp(port), { port, protocol: "UDP" as const }];
const gossip = gossipOn(ALERTMANAGER.clusterPort);
/** Managed PostgreSQL (RDS, Cloud SQL), reached at its private address. */
const POSTGRES_PORT = 5432;

/** Who talks to whom in the global tier. */
export function globalTraffic(s: GlobalSelectors): GlobalWorkloadTraffic[] {
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
      // Every region gateway's load balancer, every Alertmanager peer, and the metrics of Thanos Query and its frontend.
      egress: [
        { peers: ["internet"] },
        { peers: [pods(s.alertmanager)], ports: [tcp(ALERTMANAGER.webPort)] },
        { peers: [pods(s.query)], ports: [tcp(THANOS_QUERY.httpPort)] },
        { peers: [pods(s.frontend)], ports: [tcp(QUERY_FRONTEND.httpPort)] },
      ],
    },
    {
      name: THANOS_QUERY.name,
      selector: s.query,
      ingress: [
        { peers: [pods(s.frontend), pods(s.grafana), pods(s.federation)], ports: [tcp(THANOS_QUERY.httpPort)] },
      ],
      // Every region's StoreAPIs through its gateway's load balancer, and the federation's sidecars.
      egress: [{ peers: ["internet"] }, { peers: [pods(s.federation)], ports: [tcp(FEDERATION.sidecarGrpcPort)] }],
    },
    {
      name: QUERY_FRONTEND.name,
      selector: s.frontend,
      // Users through the load balancer, Grafana, and the federation scraping its metrics (all with basic auth).
      ingress: [
        { peers: ["load-balancer", pods(s.grafana), pods(s.federation)], ports: [tcp(QUERY_FRONTEND.httpPort)] },
      ],
      egress: [
        { peers: [pods(s.query)], ports: [tcp(THANOS_QUERY.httpPort)] },
        { peers: [pods(s.resultsCache)], ports: [tcp(RESULTS_CACHE.port)] },
      ],
    },
    {
      name: RESULTS_CACHE.name,
      selector: s.resultsCache,
      // Only the frontends read and write it; it talks to nobody.
      ingress: [{ peers: [pods(s.frontend)], ports: [tcp(RESULTS_CACHE.port)] }],
      egress: [],
    },
    {
      name: GRAFANA.name,
      selector: s.grafana,
      // Users through the load balancer; the unified-alerting peers gossip among themselves.
      ingress: [
        { peers: ["load-balancer"], ports: [tcp(GRAFANA.port)] },
        { peers: [pods(s.grafana)], ports: gossipOn(GRAFANA.alertingPort) },
      ],
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
