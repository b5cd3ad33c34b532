import type { Cloud } from "./clouds";

export const TIERS = ["regional", "global"] as const;
export type Tier = (typeof TIERS)[number];

export const RELEASE_CHANNELS = ["RAPID", "REGULAR", "STABLE"] as const;

export interface NodePoolSettings {
  /** EC2 instance type or GCE machine type. */
  readonly machineType: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly diskGiB: number;
}

export interface ClusterSettings {
  readonly name: string;
  readonly kubernetesVersion: string;
  /** At least three zones of the stack's region; nodes and pods spread across them. */
  readonly zones: readonly string[];
  /** AWS only: the VPC's address range. */
  readonly vpcCidr: string;
  readonly nodes: NodePoolSettings;
  /** Who may reach the Kubernetes API: never the whole internet. */
  readonly apiAllowedCidrs: readonly string[];
  /** GCP only: the GKE release channel. */
  readonly releaseChannel: (typeof RELEASE_CHANNELS)[number];
}

/** Settings every stack has, whatever its tier. */
export interface BaseStackConfig {
  readonly stack: string;
  readonly cloud: Cloud;
  /** The cloud's own region name (us-east-1, europe-west1). */
  readonly region: string;
  /** GCP only: the project that owns the stack's resources. */
  readonly gcpProject?: string;
  readonly cluster: ClusterSettings;
  /** Pulumi resource names and cloud resource names start with this (defaults to the stack name). */
  readonly namePrefix: string;
  /** Days before any certificate the stack issued expires that CertificateExpiresSoon fires. */
  readonly certificateWarningDays: number;
}

/** A target list of config that is not discovered through Kubernetes. */
export interface StaticScrapeJob {
  readonly job: string;
  readonly targets: readonly string[];
  /** Pins the job to one shard (functional sharding) instead of hashmod sharding on `__address__`. */
  readonly shard?: number;
  readonly scrapeInterval?: string;
  readonly metricsPath: string;
  readonly scheme: "http" | "https";
}

/** What the regional Prometheus pair is expected to carry; the sizing function turns it into pods. */
export interface ExpectedLoad {
  readonly targets: number;
  readonly seriesPerTarget: number;
}

export interface PrometheusSettings {
  /** Identical replicas of every shard, deduplicated by Thanos Query on the replica label. */
  readonly replicas: number;
  /** `auto`: as many as the sizing function asks for the expected load. */
  readonly shards: number | "auto";
  readonly scrapeInterval: string;
  readonly evaluationInterval: string;
  /** Local TSDB retention; at least three 2h blocks so the sidecar can catch up after an outage. */
  readonly retention: string;
  readonly sampleLimit: number;
  readonly labelLimit: number;
  readonly staticJobs: readonly StaticScrapeJob[];
  /** Overrides of the sizing function's figures, per pod. */
  readonly overrides: { readonly cpu?: string; readonly memory?: string; readonly diskGiB?: number };
}

/** How long the bucket keeps each resolution; `0d` keeps it forever. */
export interface BucketRetention {
  readonly raw: string;
  readonly fiveMinutes: string;
  readonly oneHour: string;
}

export interface RegionalStackConfig extends BaseStackConfig {
  readonly tier: "regional";
  readonly prometheus: PrometheusSettings;
  readonly load: ExpectedLoad;
  readonly bucketRetention: BucketRetention;
  readonly storeGatewayReplicas: number;
}

/** One regional stack the global tier reads: `org/project/stack`, named by its stack part. */
export interface RegionReference {
  readonly name: string;
  readonly stackReference: string;
}

export const RECEIVER_TYPES = ["slack", "pagerduty", "webhook"] as const;
export type ReceiverType = (typeof RECEIVER_TYPES)[number];

/**
 * An Alertmanager receiver. Its URL or key is never in this object: `secretKey` names another config key
 * that holds it as a Pulumi secret (`pulumi config set --secret <secretKey> ...`).
 */
export interface ReceiverSettings {
  readonly name: string;
  readonly type: ReceiverType;
  readonly secretKey: string;
  /** Slack only. */
  readonly channel?: string;
}

export interface RouteSettings {
  readonly receiver: string;
  /** Label matchers in Alertmanager syntax, e.g. `severity="critical"`. */
  readonly matchers: readonly string[];
  readonly continue: boolean;
}

/** Receivers the Alertmanager config always has (for the Watchdog); no configured receiver may take their names. */
export const BUILT_IN_RECEIVERS = { drop: "null", heartbeat: "heartbeat" } as const;

export const HEARTBEAT_TYPES = ["webhook", "opsgenie"] as const;
export type HeartbeatType = (typeof HEARTBEAT_TYPES)[number];

/**
 * The dead man's switch: where the always-firing Watchdog goes, every `interval`, so a service outside the
 * stack pages someone when the pings stop. `webhook` posts to a secret heartbeat URL (Healthchecks.io,
 * Dead Man's Snitch, Cronitor, Better Stack: what PagerDuty users pair with PagerDuty); `opsgenie` pings
 * Opsgenie's heartbeat API with the API key as a GenieKey. `secretKey` names the secret config key holding
 * the URL or the key.
 */
export interface HeartbeatSettings {
  readonly type: HeartbeatType;
  readonly secretKey: string;
  readonly interval: string;
  /** Opsgenie only: the heartbeat's name and the API's base URL (https://api.eu.opsgenie.com in the EU). */
  readonly name?: string;
  readonly apiUrl?: string;
}

export interface AlertingSettings {
  readonly replicas: number;
  /** Absent: the Watchdog is dropped, and nothing outside the stack notices when the global tier is down. */
  readonly heartbeat?: HeartbeatSettings;
  readonly defaultReceiver: string;
  readonly receivers: readonly ReceiverSettings[];
  readonly routes: readonly RouteSettings[];
  readonly groupBy: readonly string[];
  readonly groupWait: string;
  readonly groupInterval: string;
  readonly repeatInterval: string;
}

export interface ScalingBounds {
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

export interface GrafanaSettings extends ScalingBounds {
  /** Host name users reach Grafana at; the TLS certificate is issued for it. */
  readonly domain: string;
}

export interface DatabaseSettings {
  /** RDS instance class or Cloud SQL tier. */
  readonly instanceClass: string;
  readonly storageGiB: number;
  readonly backupRetentionDays: number;
  readonly postgresVersion: string;
}

export interface GlobalStackConfig extends BaseStackConfig {
  readonly tier: "global";
  readonly regions: readonly RegionReference[];
  readonly federationReplicas: number;
  readonly alerting: AlertingSettings;
  readonly grafana: GrafanaSettings;
  readonly query: ScalingBounds;
  readonly database: DatabaseSettings;
  /** Who may reach Grafana and Thanos Query through their load balancers. */
  readonly ingressAllowedCidrs: readonly string[];
}

export type StackConfig = RegionalStackConfig | GlobalStackConfig;
