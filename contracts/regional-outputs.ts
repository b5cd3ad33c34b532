import type { Cloud } from "../config/clouds";

/**
 * What a regional stack exports and the global stack reads through a StackReference. Regional stacks never
 * read global outputs: everything the global tier places into a region (the one load balancer in front of the
 * region gateway, which admits only the global cluster's egress addresses, and the Alertmanager targets file)
 * it creates itself, with a provider built from `kubeconfig`. The region runs the gateway itself: its routes
 * (builders/gateway/routes.ts) follow from `prometheusPods` and `tlsServerName`, so both stacks derive them.
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
  /** Every Prometheus pod; the gateway serves each one's /federate at `/<podName>/federate`. */
  readonly prometheusPods: readonly PrometheusPodRef[];
  /** Labels of the region gateway's pods, which the global tier's one load balancer for the region selects. */
  readonly gatewaySelector: Readonly<Record<string, string>>;
  /** The gateway's federation port: HTTPS (the region's server certificate), basic auth checked by Prometheus. */
  readonly federationPort: number;
  /**
   * The gateway's StoreAPI port: TLS passthrough routed by server name (`<podName>.<tlsServerName>` for a
   * sidecar, `thanos-store.<tlsServerName>` for the store gateways), mutual TLS end to end with each StoreAPI.
   */
  readonly storeApiPort: number;
  /**
   * Name in the region's server certificates (which also carry `*.<tlsServerName>`); clients connect by
   * address and verify this name, or a StoreAPI's name under it.
   */
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
  /**
   * Annotations the load balancer the global tier puts in front of the region gateway carries, for the
   * region cluster's load balancer implementation. Absent from regions deployed before it existed: the
   * cloud's own then.
   */
  readonly loadBalancerAnnotations?: Readonly<Record<string, string>>;
  /**
   * How the global tier reaches the region gateway, which it puts a Service in front of. Absent from regions
   * deployed before it existed, and on a cloud: a load balancer then.
   */
  readonly gatewayExposure?: GatewayExposure;
  /**
   * How the region's samples reach the global tier: `remote-write` for a region whose agents write to the
   * global Thanos Receive (their client certificate is signed by `tlsCaCert`, its CN the region: Receive's
   * tenant). Absent: sidecar, what every region before it was (and a sidecar region still exports nothing).
   */
  readonly ingestionMode?: "remote-write";
}

/**
 * The Service the global tier puts in front of a region's gateway and where it dials it: a load balancer
 * (its address from the cloud, the gateway's own ports), a NodePort Service dialled at `host` on the node
 * ports, or a ClusterIP Service that a route of the user's own leads `host`'s ports to.
 */
export type GatewayExposure =
  | { readonly type: "load-balancer" }
  | {
      readonly type: "node-port" | "address";
      readonly host: string;
      readonly federationPort: number;
      readonly storeApiPort: number;
    };

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
  "tier",
  "region",
  "cloud",
  "cloudRegion",
  "clusterName",
  "kubeconfig",
  "egressCidrs",
  "namespace",
  "bucketName",
  "externalLabels",
  "replicaLabel",
  "prometheusPods",
  "gatewaySelector",
  "federationPort",
  "storeApiPort",
  "tlsServerName",
  "tlsCaCert",
  "storeApiClientCert",
  "storeApiClientKey",
  "federationUsername",
  "federationPassword",
  "alertingCaCert",
  "alertingCaKey",
  "alertingUsername",
  "alertingPassword",
  "alertingPasswordHash",
  "alertmanagerTargetsConfigMap",
  "alertmanagerTargetsKey",
] as const satisfies readonly (keyof RegionalOutputs)[];

/** Outputs the global tier reads when a region has them (see each one's comment). */
export const OPTIONAL_REGIONAL_OUTPUT_NAMES = [
  "certificateExpiries",
  "loadBalancerAnnotations",
  "gatewayExposure",
  "ingestionMode",
] as const satisfies readonly (keyof RegionalOutputs)[];

/** The namespace every monitoring workload of a cluster lives in. */
export const MONITORING_NAMESPACE = "monitoring";
/** External label unique per Prometheus pod (its pod name), dropped before alerts reach Alertmanager. */
export const REPLICA_LABEL = "prometheus_replica";
