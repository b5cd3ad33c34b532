import { MONITORING_NAMESPACE } from "../../contracts/regional-outputs";
import type { BucketAccess } from "../cloud/bucket-access";

/**
 * Where things live in the global cluster: object names, ports and the paths configs are mounted at. The
 * rendered configs refer to these paths and the components mount the files there, so both read them here.
 */
export const GLOBAL_NAMESPACE = MONITORING_NAMESPACE;

export const ALERTMANAGER = {
  name: "alertmanager",
  /** Headless Service that gives each peer a stable DNS name for gossip and for the federation Prometheus. */
  peersService: "alertmanager-peers",
  webPort: 9093,
  clusterPort: 9094,
  configDir: "/etc/alertmanager/config",
  secretsDir: "/etc/alertmanager/secrets",
  tlsDir: "/etc/alertmanager/tls",
  /** The probes' client config, password and CA (builders/alertmanager/probe.ts). */
  probeDir: "/etc/alertmanager/probe",
  /** The web config's user the probes log in as; its password is in the probe Secret only. */
  probeUser: "alertmanager-probe",
  dataDir: "/alertmanager",
  /** Name in the Alertmanager certificate besides every peer's addresses, for clients that pin one name. */
  tlsServerName: "alertmanager.monitoring.global",
  /**
   * How long a peer waits for the peers before it to notify before it does so itself: Alertmanager's default,
   * written out so the benchmark's full run measures duplicates with the value the clusters run.
   */
  peerTimeout: "15s",
} as const;

export const FEDERATION = {
  name: "federation-prometheus",
  service: "federation-prometheus",
  /** Headless Service that gives each replica's sidecar a stable name for Thanos Query. */
  podsService: "federation-prometheus-pods",
  port: 9090,
  sidecarGrpcPort: 10901,
  sidecarHttpPort: 10902,
  configDir: "/etc/prometheus/config",
  rulesDir: "/etc/prometheus/rules",
  secretsDir: "/etc/prometheus/secrets",
  dataDir: "/prometheus",
  /** External label unique per federation Prometheus pod, dropped before alerts reach Alertmanager. */
  replicaLabel: "federation_replica",
} as const;

export const THANOS_QUERY = {
  name: "thanos-query",
  service: "thanos-query",
  /** Headless Service whose DNS name lists every replica the autoscaler runs: the federation scrapes each. */
  podsService: "thanos-query-pods",
  httpPort: 10902,
  grpcPort: 10901,
  configDir: "/etc/thanos/config",
  tlsDir: "/etc/thanos/regions",
} as const;

export const QUERY_FRONTEND = {
  name: "thanos-query-frontend",
  service: "thanos-query-frontend",
  /** Headless Service whose DNS name lists every replica the autoscaler runs: the federation scrapes each. */
  podsService: "thanos-query-frontend-pods",
  httpPort: 9090,
  /** Basic-auth users of the frontend: Grafana's own, and the one the stack exports for people and tools. */
  grafanaUser: "grafana",
  queryUser: "query",
  configDir: "/etc/thanos/config",
  tlsDir: "/etc/thanos/tls",
  /** The readiness check's client config, password and CA (components/global/query.ts). */
  probeDir: "/etc/thanos/probe",
  /** The web config's user the readiness check logs in as; its password is in the probe Secret only. */
  probeUser: "query-frontend-probe",
} as const;

/**
 * The frontend user the federation Prometheus scrapes every replica as: the stack's user for tools, from the
 * existing credentials (the password Pulumi already generates and exports as `thanosQueryPassword`).
 */
export const QUERY_FRONTEND_SCRAPE_USER = QUERY_FRONTEND.queryUser;

/** memcached holding the Query Frontend's results, shared by every frontend replica. */
export const RESULTS_CACHE = {
  name: "thanos-results-cache",
  /** Headless Service: its DNS name lists every memcached pod, over which the frontends spread their keys. */
  service: "thanos-results-cache",
  port: 11211,
} as const;

export const GRAFANA = {
  name: "grafana",
  service: "grafana",
  port: 3000,
  /** Headless Service whose DNS name lists every replica: the unified-alerting peers find each other through it. */
  alertingPeersService: "grafana-alerting",
  /** Unified-alerting gossip (notification log and silences), TCP and UDP, as in Grafana's HA documentation. */
  alertingPort: 9094,
  provisioningDir: "/etc/grafana/provisioning",
  /** Credentials Grafana's datasources read with `$__file{}` when it provisions them. */
  secretsDir: "/etc/grafana/secrets",
  dashboardsDir: "/var/lib/grafana-dashboards",
  /** One directory per team below it (builders/grafana/team-dashboards.ts), outside dashboardsDir. */
  teamDashboardsDir: "/var/lib/grafana-team-dashboards",
  tlsDir: "/etc/grafana/tls",
} as const;

/** In-cluster DNS name of a Service (or of a StatefulSet pod behind a headless Service). */
export function serviceHost(name: string, namespace: string = GLOBAL_NAMESPACE): string {
  return `${name}.${namespace}.svc`;
}

export function alertmanagerPodName(ordinal: number): string {
  return `${ALERTMANAGER.name}-${ordinal}`;
}

/** Every Alertmanager peer's stable in-cluster name, through the headless Service. */
export function alertmanagerPeerHosts(replicas: number): string[] {
  return Array.from({ length: replicas }, (_, i) =>
    serviceHost(`${alertmanagerPodName(i)}.${ALERTMANAGER.peersService}`),
  );
}

/** Every federation Prometheus replica's StoreAPI (its Thanos sidecar), through the headless Service. */
export function federationStoreAddresses(replicas: number): string[] {
  return Array.from(
    { length: replicas },
    (_, i) => `${serviceHost(`${FEDERATION.name}-${i}.${FEDERATION.podsService}`)}:${FEDERATION.sidecarGrpcPort}`,
  );
}

/** The user the federation Prometheus sends alerts as; regions use their own `alertingUsername`. */
export const FEDERATION_ALERTING_USER = "global-federation";

/** The Alertmanagers' users besides each region's: the federation Prometheus and the peers' own probes. */
export const ALERTMANAGER_GLOBAL_USERS = [FEDERATION_ALERTING_USER, ALERTMANAGER.probeUser] as const;

/** Every user of the Query Frontend's web config: Grafana, people and tools, and the pods' readiness check. */
export const QUERY_FRONTEND_USERS = [
  QUERY_FRONTEND.grafanaUser,
  QUERY_FRONTEND.queryUser,
  QUERY_FRONTEND.probeUser,
] as const;

/**
 * Thanos Receive, for the remote-write regions: one StatefulSet, one hashring of every pod. Regions reach
 * its remote-write port through the global tier's ingress (a load balancer admitting only their egress
 * addresses, TLS passed through to the pods, which verify each region's client certificate).
 */
export const RECEIVE = {
  name: "thanos-receive",
  /** Headless Service: each pod's stable name is its hashring endpoint. */
  podsService: "thanos-receive-pods",
  /** The ingress in front of every pod's remote-write port. */
  ingressService: "thanos-receive",
  remoteWritePort: 19291,
  grpcPort: 10901,
  httpPort: 10902,
  configDir: "/etc/thanos/receive",
  /** Its server certificate and key, and the bundle of the remote-write regions' CAs it verifies clients with. */
  tlsDir: "/etc/thanos/receive-tls",
  objstoreDir: "/etc/thanos/objstore",
  dataDir: "/var/thanos/receive",
  /** External label unique per Receive pod: Thanos Query deduplicates the replicated series on it. */
  replicaLabel: "receive_replica",
  /** Must equal the regions' RECEIVE_TLS_SERVER_NAME (builders/regional/layout.ts); a test checks. */
  tlsServerName: "receive.monitoring.global",
} as const;

/** Per remote-write region: a Thanos Ruler pair and the Query, scoped to the region's tenant, it evaluates over. */
export const RULER = {
  httpPort: 10902,
  grpcPort: 10901,
  replicas: 2,
  configDir: "/etc/thanos/rule",
  rulesDir: "/etc/thanos/rules",
  secretsDir: "/etc/thanos/rule-secrets",
  dataDir: "/var/thanos/rule",
  queryHttpPort: 10902,
  queryGrpcPort: 10901,
  queryConfigDir: "/etc/thanos/config",
} as const;

/**
 * Receive's bucket and what reads it, as a region's bucket has them: a store gateway pair for the blocks
 * Receive has uploaded and no longer holds (it keeps `receive.retention` locally), and the bucket's one
 * compactor. Both serve in the cluster only (Thanos Query reads the store gateways' StoreAPI like Receive's).
 */
export const RECEIVE_BUCKET = {
  /** What the bucket's names carry (the tier creates it as a region creates its own, same hardening). */
  purpose: "receive",
  /** Its StatefulSet and the ClusterIP Service in front of every replica (they serve the same blocks). */
  storeGateway: "thanos-receive-store",
  compactor: "thanos-receive-compact",
  grpcPort: 10901,
  httpPort: 10902,
  dataDir: "/var/thanos",
} as const;

/**
 * The ServiceAccounts that reach Receive's bucket, each with its own cloud identity and only the access its
 * pods need: Receive writes, its store gateway reads, its compactor deletes (builders/regional/layout.ts
 * BUCKET_IDENTITIES for a region's).
 */
export const RECEIVE_BUCKET_IDENTITIES: readonly {
  readonly purpose: string;
  readonly access: BucketAccess;
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
}[] = [
  { purpose: "receive", access: "write", serviceAccount: { namespace: GLOBAL_NAMESPACE, name: RECEIVE.name } },
  {
    purpose: "receive-store",
    access: "read",
    serviceAccount: { namespace: GLOBAL_NAMESPACE, name: RECEIVE_BUCKET.storeGateway },
  },
  {
    purpose: "receive-compact",
    access: "delete",
    serviceAccount: { namespace: GLOBAL_NAMESPACE, name: RECEIVE_BUCKET.compactor },
  },
];

/** The store gateways of Receive's bucket through their Service, as a region gateway routes to its own. */
export const RECEIVE_STORE_ADDRESS = `${serviceHost(RECEIVE_BUCKET.storeGateway)}:${RECEIVE_BUCKET.grpcPort}`;

export function receivePodName(ordinal: number): string {
  return `${RECEIVE.name}-${ordinal}`;
}

/** Each Receive pod's gRPC address through the headless Service: its hashring endpoint and StoreAPI. */
export function receiveEndpointAddresses(replicas: number): string[] {
  return Array.from(
    { length: replicas },
    (_, i) => `${serviceHost(`${receivePodName(i)}.${RECEIVE.podsService}`)}:${RECEIVE.grpcPort}`,
  );
}

/** The Ruler of a remote-write region, and the region-scoped Query it evaluates over. */
export function rulerName(region: string): string {
  return `thanos-rule-${region}`;
}

export function rulerQueryName(region: string): string {
  return `thanos-query-${region}`;
}
