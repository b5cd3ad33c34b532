/**
 * The validated stack config as components read it: every type is what the schema (./schema.ts) returns,
 * deeply read-only, so no component can change what another one reads.
 */
import type { z } from "zod";
import type { GlobalSchema, RegionalSchema } from "./schema";

export { BUILT_IN_RECEIVERS, HEARTBEAT_TYPES, RECEIVER_TYPES, RELEASE_CHANNELS, TIERS, Tier } from "./schema";

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** A team's entry as the schema reads it: paths of the files it brings. */
export type DeclaredTeam = DeepReadonly<z.output<RegionalSchema>["teams"][number]>;
/** Services a team has scraped: a ServiceMonitor's spec. */
type TeamServiceMonitor = DeclaredTeam["services"][number];
/** Pods a team has scraped: a PodMonitor's spec. */
type TeamPodMonitor = DeclaredTeam["pods"][number];
export type TeamMonitor = TeamServiceMonitor | TeamPodMonitor;
export type TeamEndpoint = TeamMonitor["endpoints"][number];
export type TeamRelabeling = TeamEndpoint["relabelings"][number];

/** One rule of a team's file, as promtool's structure check (config/rule-file-check.ts) let it through. */
interface TeamRule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

/** A team's rule file: where it came from, its name in the rules directory, its groups. */
export interface TeamRuleFile {
  readonly source: string;
  readonly fileName: string;
  readonly content: {
    readonly groups: readonly {
      readonly name: string;
      readonly rules: readonly TeamRule[];
      readonly [field: string]: unknown;
    }[];
  };
}

/** A team's dashboard: where it came from, its file name in the team's folder, its JSON. */
export interface TeamDashboard {
  readonly source: string;
  readonly fileName: string;
  readonly json: Readonly<Record<string, unknown>>;
}

/**
 * A team with the content of its files (config/teams.ts): imported ServiceMonitors and PodMonitors are among
 * its services and pods, imported PrometheusRules among its rule files.
 */
export type Team = DeclaredTeam & {
  readonly ruleFiles: readonly TeamRuleFile[];
  readonly dashboardFiles: readonly TeamDashboard[];
};

type WithTeams<T> = Omit<T, "teams"> & { teams: Team[] };

export type RegionalStackConfig = DeepReadonly<WithTeams<z.output<RegionalSchema>>>;
export type GlobalStackConfig = DeepReadonly<WithTeams<z.output<GlobalSchema>>>;
export type StackConfig = RegionalStackConfig | GlobalStackConfig;

/** Settings every stack has, whatever its tier. */
export type BaseStackConfig = Pick<
  StackConfig,
  "stack" | "cloud" | "region" | "gcpProject" | "namePrefix" | "cluster" | "certificateWarningDays" | "kubernetes"
>;
export type ClusterSettings = StackConfig["cluster"];
export type NodePoolSettings = ClusterSettings["nodes"];

type PrometheusSettings = RegionalStackConfig["prometheus"];
/** A target list of config that is not discovered through Kubernetes. */
export type StaticScrapeJob = PrometheusSettings["staticJobs"][number];
/** How long the bucket keeps each resolution; `0d` keeps it forever. */
export type BucketRetention = RegionalStackConfig["bucketRetention"];

/** One regional stack the global tier reads: `org/project/stack`, named by its stack part. */
export type RegionReference = GlobalStackConfig["regions"][number];
export type AlertingSettings = GlobalStackConfig["alerting"];
/**
 * An Alertmanager receiver. Its URL or key is never in this object: `secretKey` names another config key
 * that holds it as a Pulumi secret (`pulumi config set --secret <secretKey> ...`).
 */
export type ReceiverSettings = AlertingSettings["receivers"][number];
export type RouteSettings = AlertingSettings["routes"][number];
/** Absent: the Watchdog is dropped, and nothing outside the stack notices when the global tier is down. */
export type HeartbeatSettings = NonNullable<AlertingSettings["heartbeat"]>;
export type HeartbeatType = HeartbeatSettings["type"];
export type TeamSettings = GlobalStackConfig["teams"][number];
export type ScalingBounds = GlobalStackConfig["query"];
export type GrafanaSettings = GlobalStackConfig["grafana"];
export type DatabaseSettings = GlobalStackConfig["database"];
/**
 * Grafana's single sign-on. Its client secret is never in this object: `secretKey` names another config key
 * that holds it as a Pulumi secret.
 */
export type GrafanaSsoSettings = NonNullable<GrafanaSettings["sso"]>;
export type GrafanaRole = GrafanaSsoSettings["roles"][string];
