import type { Cloud } from "../config/clouds";

/**
 * What a regional stack exports and the global stack reads through a StackReference. Regional stacks never
 * read global outputs: everything the global tier places into a region (load balancers exposing federation and
 * StoreAPI, the Alertmanager targets file) it creates itself, with a provider built from `kubeconfig`.
 *
 * Every key below is a stack output of the same name. Plain values are public; those listed in
 * SECRET_REGIONAL_OUTPUTS are exported as Pulumi secrets.
 */
export interface PrometheusPodRef {
  /** The pod's name, which is also its replica label value. */
  readonly podName: string;
  readonly shard: number;
  readonly replica: number;
}

export interface RegionalOutputs {
  readonly tier: "regional";
  /** The stack name; every series of the region carries it as the `region` external label. */
  readonly region: string;
  readonly cloud: Cloud;
  readonly cloudRegion: string;
  readonly clusterName: string;
  /** Secret: kubeconfig with exec credentials (aws eks get-token / gke-gcloud-auth-plugin). */
  readonly kubeconfig: string;
  /** Addresses the region's pods leave the cluster from (NAT), as /32 CIDRs: the global tier admits them to its Alertmanagers. */
  readonly egressCidrs: readonly string[];
  readonly namespace: string;
  readonly bucketName: string;
  /** External labels every regional Prometheus carries besides `shard` and the replica label. */
  readonly externalLabels: Readonly<Record<string, string>>;
  /** Name of the external label unique per Prometheus pod; Thanos Query deduplicates on it. */
  readonly replicaLabel: string;
  readonly prometheusPods: readonly PrometheusPodRef[];
  /** Labels selecting one Prometheus pod besides `statefulset.kubernetes.io/pod-name`. */
  readonly prometheusSelector: Readonly<Record<string, string>>;
  readonly storeGatewaySelector: Readonly<Record<string, string>>;
  /** Prometheus web port (HTTPS with basic auth; serves /federate). */
  readonly federationPort: number;
  /** Thanos sidecar and store gateway gRPC port (StoreAPI, mutual TLS). */
  readonly storeApiPort: number;
  /** Name in the region's server certificates; clients connect by address and verify this name. */
  readonly tlsServerName: string;
  /** CA that signs the region's server certificates and the client certificate below. */
  readonly tlsCaCert: string;
  /** Secret: client certificate and key for StoreAPI mutual TLS. */
  readonly storeApiClientCert: string;
  readonly storeApiClientKey: string;
  readonly federationUsername: string;
  /** Secret. */
  readonly federationPassword: string;
  /**
   * Trust for alert delivery. Regional Prometheus verifies Alertmanagers against this CA, which the
   * region's own Secret carries from its first deployment; the global tier signs its Alertmanager
   * intermediate CA with `alertingCaKey` (secret), so one Alertmanager certificate chain is trusted by
   * every region without a region ever reading a global output.
   */
  readonly alertingCaCert: string;
  readonly alertingCaKey: string;
  /** Basic-auth user and (secret) password regional Prometheus presents to the Alertmanagers. */
  readonly alertingUsername: string;
  readonly alertingPassword: string;
  /** Secret: bcrypt hash of `alertingPassword`, the only form Alertmanager's web config accepts. */
  readonly alertingPasswordHash: string;
  /** ConfigMap (in `namespace`) the global tier writes the Alertmanager file_sd targets into, and its key. */
  readonly alertmanagerTargetsConfigMap: string;
  readonly alertmanagerTargetsKey: string;
  /**
   * When each certificate the region issued expires (RFC 3339), by name: the global stack alerts on the
   * copies it holds (the CA, the client certificate), which a regional renewal does not replace until the
   * next global `up`. Absent from regions deployed before it existed.
   */
  readonly certificateExpiries?: Readonly<Record<string, string>>;
}

export const SECRET_REGIONAL_OUTPUTS = [
  "kubeconfig",
  "storeApiClientCert",
  "storeApiClientKey",
  "federationPassword",
  "alertingCaKey",
  "alertingPassword",
  "alertingPasswordHash",
] as const satisfies readonly (keyof RegionalOutputs)[];

export const REGIONAL_OUTPUT_NAMES = [
  "tier", "region", "cloud", "cloudRegion", "clusterName", "kubeconfig", "egressCidrs", "namespace", "bucketName",
  "externalLabels", "replicaLabel", "prometheusPods", "prometheusSelector", "storeGatewaySelector", "federationPort",
  "storeApiPort", "tlsServerName", "tlsCaCert", "storeApiClientCert", "storeApiClientKey", "federationUsername",
  "federationPassword", "alertingCaCert", "alertingCaKey", "alertingUsername", "alertingPassword",
  "alertingPasswordHash", "alertmanagerTargetsConfigMap", "alertmanagerTargetsKey",
] as const satisfies readonly (keyof RegionalOutputs)[];

/** Outputs the global tier reads when a region has them (see each one's comment). */
export const OPTIONAL_REGIONAL_OUTPUT_NAMES = ["certificateExpiries"] as const satisfies readonly (keyof RegionalOutputs)[];

/** The namespace every monitoring workload of a cluster lives in. */
export const MONITORING_NAMESPACE = "monitoring";
/** External label unique per Prometheus pod (its pod name), dropped before alerts reach Alertmanager. */
export const REPLICA_LABEL = "prometheus_replica";
