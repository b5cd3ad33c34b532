/**
 * The global namespace's traffic, all of it in one table: the namespace denies everything both ways and
 * each workload gets exactly the flows below (builders/k8s/network-policies.ts makes them NetworkPolicies).
 * Ports behind a load balancer are admitted from the load balancer's addresses, in-cluster flows from the
 * pods that use them; egress to the outside (regions' load balancers, receivers, the managed database)
 * never reaches instance metadata.
 */
import { type Flow, OBJECT_STORE_EGRESS, type WorkloadTraffic } from "../k8s/network-policies";
import {
  ALERTMANAGER,
  FEDERATION,
  GRAFANA,
  QUERY_FRONTEND,
  RECEIVE,
  RECEIVE_BUCKET,
  RESULTS_CACHE,
  RULER,
  THANOS_QUERY,
  rulerName,
  rulerQueryName,
} from "./layout";

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

/** The workloads that run when a region writes to Receive: Receive, its bucket's readers, each region's Ruler pair. */
export interface IngestionSelectors {
  readonly receive: Selector;
  readonly receiveStore: Selector;
  readonly receiveCompact: Selector;
  /** Each remote-write region's Ruler and the tenant Query it evaluates over. */
  readonly rulers: readonly { readonly region: string; readonly ruler: Selector; readonly query: Selector }[];
}

const tcp = (port: number): NonNullable<Flow["ports"]>[number] => ({ port, protocol: "TCP" });
const gossipOn = (port: number) => [tcp(port), { port, protocol: "UDP" as const }];
const gossip = gossipOn(ALERTMANAGER.clusterPort);
/** Managed PostgreSQL (RDS, Cloud SQL), reached at its private address. */
const POSTGRES_PORT = 5432;

/** Who talks to whom in the global tier; `ingestion` when a region writes to Receive. */
export function globalTraffic(s: GlobalSelectors, ingestion?: IngestionSelectors): GlobalWorkloadTraffic[] {
  const pods = (selector: Selector) => ({ pods: selector });
  const rulers = (ingestion?.rulers ?? []).map((r) => pods(r.ruler));
  return [
    {
      name: ALERTMANAGER.name,
      selector: s.alertmanager,
      // The regions through the peers' load balancers, the federation Prometheus and the Rulers directly; gossip among peers.
      ingress: [
        { peers: ["load-balancer", pods(s.federation), ...rulers], ports: [tcp(ALERTMANAGER.webPort)] },
        { peers: [pods(s.alertmanager)], ports: gossip },
      ],
      egress: [{ peers: [pods(s.alertmanager)], ports: gossip }, { peers: ["internet"] }],
    },
    {
      name: FEDERATION.name,
      selector: s.federation,
      // Grafana reads it, and the Rulers write the remote-write regions' recorded series to it.
      ingress: [
        { peers: [pods(s.grafana), ...rulers], ports: [tcp(FEDERATION.port)] },
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
      // Every region's StoreAPIs through its gateway's load balancer, the federation's sidecars, and Receive's
      // and its bucket's store gateways' StoreAPIs.
      egress: [
        { peers: ["internet"] },
        { peers: [pods(s.federation)], ports: [tcp(FEDERATION.sidecarGrpcPort)] },
        ...(ingestion ? [{ peers: [pods(ingestion.receive)], ports: [tcp(RECEIVE.grpcPort)] }] : []),
        ...(ingestion ? [{ peers: [pods(ingestion.receiveStore)], ports: [tcp(RECEIVE_BUCKET.grpcPort)] }] : []),
      ],
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
        // Each remote-write region's datasource is its tenant Query.
        ...(ingestion
          ? [{ peers: ingestion.rulers.map((r) => pods(r.query)), ports: [tcp(RULER.queryHttpPort)] }]
          : []),
      ],
    },
    ...(ingestion ? ingestionTraffic(s, ingestion) : []),
  ];
}

/**
 * Receive: remote writes from the regions through its load balancer, forwarding among its pods, StoreAPI reads
 * from Thanos Query and the tenant Queries; its bucket's readers; and each region's Ruler, which reads its
 * tenant Query and writes to the federation and the Alertmanagers.
 */
function ingestionTraffic(s: GlobalSelectors, i: IngestionSelectors): GlobalWorkloadTraffic[] {
  const pods = (selector: Selector) => ({ pods: selector });
  const bucket = { egress: [...OBJECT_STORE_EGRESS.flows], cloudIdentity: OBJECT_STORE_EGRESS.cloudIdentity };
  return [
    {
      name: RECEIVE.name,
      selector: i.receive,
      ingress: [
        { peers: ["load-balancer"], ports: [tcp(RECEIVE.remoteWritePort)] },
        {
          peers: [pods(i.receive), pods(s.query), ...i.rulers.map((r) => pods(r.query))],
          ports: [tcp(RECEIVE.grpcPort)],
        },
      ],
      ...bucket,
      egress: [{ peers: [pods(i.receive)], ports: [tcp(RECEIVE.grpcPort)] }, ...bucket.egress],
    },
    {
      name: RECEIVE_BUCKET.storeGateway,
      selector: i.receiveStore,
      ingress: [{ peers: [pods(s.query)], ports: [tcp(RECEIVE_BUCKET.grpcPort)] }],
      ...bucket,
    },
    { name: RECEIVE_BUCKET.compactor, selector: i.receiveCompact, ingress: [], ...bucket },
    ...i.rulers.flatMap((r): GlobalWorkloadTraffic[] => [
      {
        name: rulerName(r.region),
        selector: r.ruler,
        ingress: [],
        egress: [
          { peers: [pods(r.query)], ports: [tcp(RULER.queryHttpPort)] },
          { peers: [pods(s.federation)], ports: [tcp(FEDERATION.port)] },
          { peers: [pods(s.alertmanager)], ports: [tcp(ALERTMANAGER.webPort)] },
        ],
      },
      {
        name: rulerQueryName(r.region),
        selector: r.query,
        ingress: [{ peers: [pods(r.ruler), pods(s.grafana)], ports: [tcp(RULER.queryHttpPort)] }],
        egress: [{ peers: [pods(i.receive)], ports: [tcp(RECEIVE.grpcPort)] }],
      },
    ]),
  ];
}
