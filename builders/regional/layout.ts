/**
 * Names, ports and in-pod file paths of a region's monitoring workloads. The config builders write these
 * paths into the files they render and the components mount Secrets and ConfigMaps at them, so both read
 * them from here.
 */
import type { BucketAccess } from "../cloud/bucket-access";
import { MONITORING_NAMESPACE, REPLICA_LABEL } from "../../contracts/regional-outputs";

export { MONITORING_NAMESPACE, REPLICA_LABEL };

/** Every regional probe gives a check 5 s (a loaded Prometheus answers slowly) and states its readiness failures. */
export const PROBE_TIMING = { timeoutSeconds: 5, readinessFailureThreshold: 3 } as const;

export const PORTS = {
  /** Prometheus web: HTTPS with basic auth, serves /federate. */
  prometheusWeb: 9090,
  /** Thanos gRPC StoreAPI (sidecar and store gateway), mutual TLS. */
  thanosGrpc: 10901,
  /** Thanos HTTP: metrics and probes, plain HTTP, admitted from the namespace only. */
  thanosHttp: 10902,
  nodeExporter: 9100,
  kubeStateMetrics: 8080,
  kubeStateMetricsTelemetry: 8081,
} as const;

export const NAMES = {
  prometheusServiceAccount: "prometheus",
  storeGatewayServiceAccount: "thanos-store",
  compactorServiceAccount: "thanos-compact",
  /** Headless Service governing every shard's StatefulSet. */
  prometheusService: "prometheus",
  storeGateway: "thanos-store",
  compactor: "thanos-compact",
  nodeExporter: "node-exporter",
  kubeStateMetrics: "kube-state-metrics",
  /** Written by the global stack into the region; mounted optional by every Prometheus pod. */
  alertmanagerTargetsConfigMap: "alertmanager-targets",
  alertmanagerTargetsKey: "alertmanagers.json",
  /** The copy of the keys of Secrets and ConfigMaps the teams' endpoints name; mounted by every Prometheus pod. */
  teamCredentialsSecret: "prometheus-team-credentials",
} as const;

/** One StatefulSet per shard; its pods' names are the replica label values. */
export function shardStatefulSetName(shard: number): string {
  return `prometheus-shard-${shard}`;
}

/**
 * On each shard's StatefulSet (not its pod template, so marking a shard retiring restarts no pod): `active`, or
 * `retiring` for a shard out of the count that is kept until its blocks are in the bucket.
 */
export const SHARD_STATE_ANNOTATION = "monitoring/shard-state";

export function prometheusPodName(shard: number, replica: number): string {
  return `${shardStatefulSetName(shard)}-${replica}`;
}

/**
 * The replica label value in the config a Prometheus pod is given: the Thanos reloader (and the init
 * container before it) substitutes the pod's name, so one ConfigMap serves every replica of a shard.
 */
export const POD_NAME_PLACEHOLDER = "$(POD_NAME)";

/** Where things live inside the pods. */
export const PATHS = {
  /** ConfigMap with the shard's config template ($(POD_NAME) not yet substituted). */
  configTemplateDir: "/etc/prometheus/config",
  configTemplateFile: "/etc/prometheus/config/prometheus.yaml.tmpl",
  /** emptyDir shared by the sidecar's reloader (writer) and Prometheus (reader). */
  configOutDir: "/etc/prometheus/config_out",
  configOutFile: "/etc/prometheus/config_out/prometheus.yaml",
  rulesDir: "/etc/prometheus/rules",
  /** Secret: web config, passwords and the alerting CA. */
  prometheusSecretsDir: "/etc/prometheus/secrets",
  webConfigFile: "/etc/prometheus/secrets/web-config.yaml",
  federationPasswordFile: "/etc/prometheus/secrets/federation-password",
  alertingPasswordFile: "/etc/prometheus/secrets/alerting-password",
  alertingCaFile: "/etc/prometheus/secrets/alerting-ca.crt",
  /** HTTP client config (basic auth + TLS) the sidecar and the probes use to reach Prometheus on localhost. */
  localClientConfigFile: "/etc/prometheus/secrets/local-client.yaml",
  /** Secret: the copy of the keys the teams' endpoints name in their own namespaces (builders/teams/credentials.ts). */
  teamCredentialsDir: "/etc/prometheus/team-credentials",
  /** Secret: the region's server certificate, key and CA (Prometheus web and Thanos gRPC). */
  tlsDir: "/etc/tls",
  tlsCertFile: "/etc/tls/tls.crt",
  tlsKeyFile: "/etc/tls/tls.key",
  tlsCaFile: "/etc/tls/ca.crt",
  /** Secret (remote-write regions): the region's client certificate to Thanos Receive, its CN the region. */
  remoteWriteTlsDir: "/etc/prometheus/remote-write",
  remoteWriteCertFile: "/etc/prometheus/remote-write/tls.crt",
  remoteWriteKeyFile: "/etc/prometheus/remote-write/tls.key",
  /** The agent's write-ahead log (remote-write regions), on the pod's volume. */
  agentData: "/prometheus",
  alertmanagerTargetsDir: "/etc/prometheus/alertmanagers",
  alertmanagerTargetsFile: `/etc/prometheus/alertmanagers/${NAMES.alertmanagerTargetsKey}`,
  prometheusData: "/prometheus",
  objstoreDir: "/etc/thanos/objstore",
  objstoreFile: "/etc/thanos/objstore/objstore.yaml",
  thanosData: "/var/thanos",
  serviceAccountToken: "/var/run/secrets/kubernetes.io/serviceaccount/token",
  serviceAccountCa: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
} as const;

/** Name the region's server certificates carry; clients reach the region by load-balancer address and verify it. */
export function tlsServerName(region: string): string {
  return `${region}.monitoring.internal`;
}

/** Basic-auth user of every region's Prometheus web endpoint; the password is per region (random, secret). */
export const FEDERATION_USERNAME = "federation";

/** Basic-auth user a region's Prometheus presents to the global Alertmanagers. */
export function alertingUsername(region: string): string {
  return `prometheus-${region}`;
}

/**
 * Name the global Alertmanagers' certificates carry (their chain ends at each region's alerting CA):
 * Prometheus reaches each Alertmanager by address and verifies this one name. A region never reads the
 * global stack, so both sides hold it as a constant: the global tier's ALERTMANAGER.tlsServerName
 * (builders/global/layout.ts) must stay equal (a test checks).
 */
export const ALERTMANAGER_TLS_SERVER_NAME = "alertmanager.monitoring.global";

/**
 * Name the global Thanos Receive's certificate carries, issued the way the Alertmanagers' is (its chain ends
 * at each region's alerting CA): a remote-write region's agent verifies it against the alerting CA it holds.
 * A region never reads the global stack, so both sides hold it as a constant (builders/global/layout.ts
 * RECEIVE.tlsServerName must stay equal; a test checks).
 */
export const RECEIVE_TLS_SERVER_NAME = "receive.monitoring.global";

/**
 * The ServiceAccounts that reach the region's bucket, each with its own cloud identity and only the access
 * its pods need: the sidecars (in the Prometheus pods) write, the store gateway reads, the compactor deletes.
 */
export const BUCKET_IDENTITIES: readonly {
  readonly purpose: string;
  readonly access: BucketAccess;
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
}[] = [
  {
    purpose: "thanos-sidecar",
    access: "write",
    serviceAccount: { namespace: MONITORING_NAMESPACE, name: NAMES.prometheusServiceAccount },
  },
  {
    purpose: "thanos-store",
    access: "read",
    serviceAccount: { namespace: MONITORING_NAMESPACE, name: NAMES.storeGatewayServiceAccount },
  },
  {
    purpose: "thanos-compact",
    access: "delete",
    serviceAccount: { namespace: MONITORING_NAMESPACE, name: NAMES.compactorServiceAccount },
  },
];

/** Every certificate a region issues, by the name its expiry rules and the `certificateExpiries` output carry. */
export const REGIONAL_CERTIFICATES = ["ca", "alerting-ca", "server", "query-client"] as const;
/** The remote-write regions' one more certificate: the agents' client certificate to Thanos Receive. */
export const REMOTE_WRITE_CERTIFICATE = "remote-write-client";
export type RegionalCertificate = (typeof REGIONAL_CERTIFICATES)[number];
