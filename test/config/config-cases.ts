/**
 * Bad stack files a user could plausibly write, across the three stacks, each with the one sentence the
 * program must stop with: the stack, the key path, the bad value as shown, and what is allowed. The unit test
 * (config.test.ts) loads each in-process; test/stacks/config-cli.test.ts runs each through Pulumi's own
 * language host and checks what it prints and that no resource was registered.
 */
import { allowedRegions } from "../../config/clouds";
import { readStackFile } from "../harness/program";
import { TEST_SECRETS } from "../harness/stacks";

export type OwnStack = "us-east" | "eu-west" | "global";

export interface BadInput {
  readonly name: string;
  readonly stack: OwnStack;
  /** Top-level keys laid over the stack file; `undefined` removes a key. */
  readonly config?: Record<string, unknown>;
  /** Secrets laid over the stack's test secrets; `undefined` removes one. */
  readonly secrets?: Record<string, string | undefined>;
  readonly key: string;
  /** The value as the sentence shows it: `the value "x"`, `the number 1`, `no value (it is required)`. */
  readonly shown: string;
  readonly allowed: string;
  /** The key itself is the mistake. */
  readonly unknown?: boolean;
}

/** The stack file with a case's changes: what `pulumi config` would hand the program. */
export function valuesOf(c: BadInput): { config: Record<string, unknown>; secrets: Record<string, string> } {
  const drop = <T>(record: Record<string, T | undefined>) =>
    Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Record<string, T>;
  return {
    config: drop({ ...readStackFile(c.stack), ...(c.config ?? {}) }),
    secrets: drop({ ...(TEST_SECRETS[c.stack] ?? {}), ...(c.secrets ?? {}) }),
  };
}

/** The sentence, exactly. */
export function expectedMessage(c: BadInput): string {
  const what = c.unknown ? `is not a key of this program (set to ${c.shown})` : `has ${c.shown}`;
  return `stack '${c.stack}': config key 'monitoring:${c.key}' ${what}; allowed: ${c.allowed}`;
}

const usEast = readStackFile("us-east") as Record<string, any>;
const euWest = readStackFile("eu-west") as Record<string, any>;
const global = readStackFile("global") as Record<string, any>;
const awsCluster = usEast.cluster;
const gcpCluster = euWest.cluster;
const usEastPrometheus = usEast.prometheus;
const alerting = global.alerting;
const receivers: any[] = alerting.receivers;

const prometheusKeys =
  "replicas, shards, retiringShards, scrapeInterval, evaluationInterval, retention, sampleLimit, labelLimit, nativeHistograms, staticJobs, overrides";
const clusterKeys = "name, kubernetesVersion, zones, vpcCidr, nodes, apiAllowedCidrs, releaseChannel";
const alertingKeys =
  "replicas, heartbeat, receivers, defaultReceiver, routes, groupBy, groupWait, groupInterval, repeatInterval";
const regionalKeys =
  "tier, cloud, region, gcpProject, namePrefix, cluster, certificateWarningDays, alerts, teams, prometheus, expectedLoad, bucketRetention, storeGatewayReplicas, ingestion, kubernetes";
const durationAtLeast = (min: string, why?: string) =>
  `a duration such as 30s, 6h or 15d of at least ${min} and at most 100y${why ? ` (${why})` : ""}`;
/** Scrape and evaluation intervals: at most an hour. */
const interval =
  "a duration such as 15s, 30s or 1m of at least 1s and at most 1h (the default rules look at windows of 5m to 1h)";
const quoted = ", in quotes (YAML reads an unquoted 1.30 as the number 1.3)";
const job = (fields: Record<string, unknown>) => ({ job: "db", targets: ["db.internal:9187"], ...fields });
/** The payments team scraping one Service, with `endpoint` laid over its endpoint. */
const teamWith = (endpoint: Record<string, unknown>) => ({
  name: "payments",
  namespaces: ["payments"],
  services: [{ name: "api", selector: { matchLabels: { app: "api" } }, endpoints: [{ port: "metrics", ...endpoint }] }],
});
/** A key of a Secret in the payments namespace. */
const teamKey = { name: "api-auth", key: "token" };
const teamReceiver = { name: "payments-slack", type: "slack", secretKey: "paymentsSlackUrl" };
const sso = global.grafana.sso;
const ssoKeys = "name, clientId, secretKey, authUrl, tokenUrl, userInfoUrl, scopes, groupsClaim, roles, loginForm";
const ssoRolesAllowed =
  "a map of at least one group name to its Grafana role (Viewer, Editor, Admin); a group name of 1 to 256 characters without a backslash or a control character";
const withJobs = (jobs: unknown[], extra: Record<string, unknown> = {}) => ({
  prometheus: { ...usEastPrometheus, ...extra, staticJobs: jobs },
});

export const BAD_INPUTS: BadInput[] = [
  // Identity: tier, cloud, region.
  {
    name: "an unknown tier",
    stack: "us-east",
    config: { tier: "edge" },
    key: "tier",
    shown: 'the value "edge"',
    allowed: "one of 'regional', 'global'",
  },
  {
    name: "an unknown cloud",
    stack: "us-east",
    config: { cloud: "azure" },
    key: "cloud",
    shown: 'the value "azure"',
    allowed: "one of 'aws', 'gcp', 'kubernetes'",
  },
  {
    name: "a missing region",
    stack: "us-east",
    config: { region: undefined },
    key: "region",
    shown: "no value (it is required)",
    allowed: allowedRegions("aws"),
  },
  {
    name: "a GCP region on AWS",
    stack: "us-east",
    config: { region: "europe-west1" },
    key: "region",
    shown: 'the value "europe-west1"',
    allowed: `'europe-west1' is a GCP region; ${allowedRegions("aws")}`,
  },
  {
    name: "an AWS region on GCP",
    stack: "eu-west",
    config: { region: "us-east-1" },
    key: "region",
    shown: 'the value "us-east-1"',
    allowed: `'us-east-1' is an AWS region; ${allowedRegions("gcp")}`,
  },

  // Strict keys at every depth, and keys of the other tier or cloud.
  {
    name: "a top-level typo",
    stack: "us-east",
    config: { expectedLaod: { targets: 10 } },
    key: "expectedLaod",
    shown: 'the value {"targets":10}',
    unknown: true,
    allowed: `'expectedLoad' (the closest key), or another key of this program: ${regionalKeys}`,
  },
  {
    name: "a nested key at the top level",
    stack: "us-east",
    config: { retention: "48h" },
    key: "retention",
    shown: 'the value "48h"',
    unknown: true,
    allowed: `'prometheus.retention' (the closest key), or another key of this program: ${regionalKeys}`,
  },
  {
    name: "a typo in prometheus",
    stack: "us-east",
    config: { prometheus: { replcas: 3 } },
    key: "prometheus.replcas",
    shown: "the number 3",
    unknown: true,
    allowed: `'prometheus.replicas' (the closest key), or another key of prometheus: ${prometheusKeys}`,
  },
  {
    name: "a typo two sections deep",
    stack: "us-east",
    config: { cluster: { ...awsCluster, nodes: { maxNode: 9 } } },
    key: "cluster.nodes.maxNode",
    shown: "the number 9",
    unknown: true,
    allowed:
      "'cluster.nodes.maxNodes' (the closest key), or another key of cluster.nodes: machineType, minNodes, maxNodes, diskGiB",
  },
  {
    name: "a typo in a static job",
    stack: "us-east",
    config: withJobs([job({ metricPath: "/m" })]),
    key: "prometheus.staticJobs[0].metricPath",
    shown: 'the value "/m"',
    unknown: true,
    allowed:
      "'prometheus.staticJobs[0].metricsPath' (the closest key), or another key of prometheus.staticJobs[0]: job, targets, shard, scrapeInterval, metricsPath, scheme",
  },
  {
    name: "a key nothing resembles",
    stack: "us-east",
    config: { cluster: { ...awsCluster, autoscaler: true } },
    key: "cluster.autoscaler",
    shown: "the value true",
    unknown: true,
    allowed: `a key of cluster: ${clusterKeys}`,
  },
  {
    name: "a global key on a regional stack",
    stack: "us-east",
    config: { grafana: { domain: "g.example.com" } },
    key: "grafana",
    shown: 'the value {"domain":"g.example.com"}',
    allowed: "no value on a regional stack: grafana is a key of global stacks",
  },
  {
    name: "a regional key on the global stack",
    stack: "global",
    config: { prometheus: { replicas: 3 } },
    key: "prometheus",
    shown: 'the value {"replicas":3}',
    allowed: "no value on a global stack: prometheus is a key of regional stacks",
  },
  {
    name: "a GCP project on AWS",
    stack: "us-east",
    config: { gcpProject: "my-project-1" },
    key: "gcpProject",
    shown: 'the value "my-project-1"',
    allowed: "no value on an AWS stack: gcpProject applies only to GCP stacks",
  },
  {
    name: "a GKE release channel on AWS",
    stack: "us-east",
    config: { cluster: { ...awsCluster, releaseChannel: "STABLE" } },
    key: "cluster.releaseChannel",
    shown: 'the value "STABLE"',
    allowed: "no value on an AWS stack: cluster.releaseChannel applies only to GCP stacks",
  },
  {
    name: "a typo in alerting",
    stack: "global",
    config: { alerting: { ...alerting, defaultReciever: "oncall" } },
    key: "alerting.defaultReciever",
    shown: 'the value "oncall"',
    unknown: true,
    allowed: `'alerting.defaultReceiver' (the closest key), or another key of alerting: ${alertingKeys}`,
  },
  {
    name: "a mistyped secret key, shown as secret",
    stack: "global",
    secrets: { slackWebhookURL: "https://hooks.slack.com/x" },
    key: "slackWebhookURL",
    shown: "a secret value",
    unknown: true,
    allowed:
      "'slackWebhookUrl' (the closest key), or another key of this program: tier, cloud, region, gcpProject, namePrefix, cluster, certificateWarningDays, alerts, teams, regions, federationReplicas, alerting, grafana, query, receive, database, ingressAllowedCidrs, kubernetes, pagerdutyRoutingKey, slackWebhookUrl, heartbeatUrl, grafanaClientSecret",
  },

  // Default alerts: only names of the stack's own tier, never a guard, and a runbook URL.
  {
    name: "a mistyped alert to disable",
    stack: "us-east",
    config: { alerts: { disabled: ["CPUThrottlingHigh", "KubePodCrashLoop"] } },
    key: "alerts.disabled[1]",
    shown: 'the value "KubePodCrashLoop"',
    allowed:
      "the name of a default alert of a regional stack such as 'KubePodCrashLooping' (the closest names); docs/runbooks.md lists them all",
  },
  {
    name: "a regional alert disabled on the global stack",
    stack: "global",
    config: { alerts: { disabled: ["KubeNodeNotReady"] } },
    key: "alerts.disabled[0]",
    shown: 'the value "KubeNodeNotReady"',
    allowed: "the name of a default alert of a global stack; docs/runbooks.md lists them all",
  },
  {
    name: "the Watchdog disabled",
    stack: "eu-west",
    config: { alerts: { disabled: ["Watchdog"] } },
    key: "alerts.disabled[0]",
    shown: 'the value "Watchdog"',
    allowed:
      "any default alert but Watchdog, CertificateExpiresSoon, ThanosSidecarUploadFailures, ThanosSidecarNotUploading, ThanosCompactHalted: these prove that alerts are delivered or warn before data or access is lost",
  },
  {
    name: "a region's loss disabled on the global stack",
    stack: "global",
    config: { alerts: { disabled: ["RegionUnreachable"] } },
    key: "alerts.disabled[0]",
    shown: 'the value "RegionUnreachable"',
    allowed:
      "any default alert but Watchdog, CertificateExpiresSoon, ThanosCompactMissing, RegionUnreachable: these prove that alerts are delivered or warn before data or access is lost",
  },
  {
    name: "a runbook URL that is a path",
    stack: "us-east",
    config: { alerts: { runbookBaseUrl: "docs/runbooks.md" } },
    key: "alerts.runbookBaseUrl",
    shown: 'the value "docs/runbooks.md"',
    allowed: "an http(s) URL without a fragment, such as https://example.com/docs/runbooks.md",
  },
  {
    name: "a typo in alerts",
    stack: "global",
    config: { alerts: { disable: ["AlertmanagerFailedReload"] } },
    key: "alerts.disable",
    shown: 'the value ["AlertmanagerFailedReload"]',
    unknown: true,
    allowed: "'alerts.disabled' (the closest key), or another key of alerts: disabled, runbookBaseUrl",
  },

  // Numbers and names as YAML reads them.
  {
    name: "kubernetesVersion 1.30 read as the number 1.3",
    stack: "us-east",
    config: { cluster: { ...awsCluster, kubernetesVersion: 1.3 } },
    key: "cluster.kubernetesVersion",
    shown: "the number 1.3",
    allowed: `a Kubernetes minor version such as "1.33"${quoted}`,
  },
  {
    name: "kubernetesVersion without two minor digits",
    stack: "eu-west",
    config: { cluster: { ...gcpCluster, kubernetesVersion: "1.3" } },
    key: "cluster.kubernetesVersion",
    shown: 'the value "1.3"',
    allowed: 'a Kubernetes minor version such as "1.33"',
  },
  {
    name: "postgresVersion as a number",
    stack: "global",
    config: { database: { postgresVersion: 16 } },
    key: "database.postgresVersion",
    shown: "the number 16",
    allowed: `a PostgreSQL major version from 14 to 17, such as "16"${quoted}`,
  },
  {
    name: "a receiver name YAML reads as a number",
    stack: "global",
    config: { alerting: { ...alerting, receivers: [{ ...receivers[0], name: 2024 }, receivers[1]] } },
    key: "alerting.receivers[0].name",
    shown: "the number 2024",
    allowed: `a receiver name of letters, digits, _ and -${quoted}`,
  },
  {
    name: "a name prefix with capitals",
    stack: "us-east",
    config: { namePrefix: "US_East" },
    key: "namePrefix",
    shown: 'the value "US_East"',
    allowed: "lower-case letters, digits and dashes, starting with a letter, 2 to 40 characters",
  },

  // Missing names that would become empty strings.
  {
    name: "a static job without a name",
    stack: "us-east",
    config: withJobs([{ targets: ["db.internal:9187"] }]),
    key: "prometheus.staticJobs[0].job",
    shown: "no value (it is required)",
    allowed: "a Prometheus job name (letters, digits, _ and -)",
  },
  {
    name: "a static job with an empty name",
    stack: "us-east",
    config: withJobs([job({ job: "" })]),
    key: "prometheus.staticJobs[0].job",
    shown: 'the value ""',
    allowed: "a Prometheus job name (letters, digits, _ and -)",
  },
  {
    name: "a receiver without a name",
    stack: "global",
    secrets: { slackWebhookUrl: undefined },
    config: { alerting: { ...alerting, receivers: [{ type: "webhook", secretKey: "pagerdutyRoutingKey" }] } },
    key: "alerting.receivers[0].name",
    shown: "no value (it is required)",
    allowed: "a receiver name of letters, digits, _ and -",
  },
  {
    name: "a receiver without a secret key",
    stack: "global",
    secrets: { pagerdutyRoutingKey: undefined },
    config: { alerting: { ...alerting, receivers: [{ name: "oncall", type: "pagerduty" }, receivers[1]] } },
    key: "alerting.receivers[0].secretKey",
    shown: "no value (it is required)",
    allowed: "the name of a secret config key holding the receiver's URL or key",
  },
  {
    name: "a missing Grafana domain",
    stack: "global",
    config: { grafana: { sso } },
    key: "grafana.domain",
    shown: "no value (it is required)",
    allowed: "a DNS name such as grafana.example.com",
  },
  {
    name: "a missing GCP project",
    stack: "eu-west",
    config: { gcpProject: undefined },
    key: "gcpProject",
    shown: "no value (it is required)",
    allowed: "the ID of the GCP project that owns this stack (6-30 lower-case letters, digits and dashes)",
  },

  // Values out of range, of the wrong type or form.
  {
    name: "one Prometheus replica",
    stack: "us-east",
    config: { prometheus: { replicas: 1 } },
    key: "prometheus.replicas",
    shown: "the number 1",
    allowed: "a whole number from 2 to 10",
  },
  {
    name: "zero shards",
    stack: "us-east",
    config: { prometheus: { shards: 0 } },
    key: "prometheus.shards",
    shown: "the number 0",
    allowed: "auto, or a whole number from 1 to 64",
  },
  {
    name: "more shards than the bound",
    stack: "eu-west",
    config: { prometheus: { shards: 65 } },
    key: "prometheus.shards",
    shown: "the number 65",
    allowed: "auto, or a whole number from 1 to 64",
  },
  {
    name: "a disk size in words",
    stack: "us-east",
    config: { cluster: { ...awsCluster, nodes: { diskGiB: "big" } } },
    key: "cluster.nodes.diskGiB",
    shown: 'the value "big"',
    allowed: "a whole number from 20 to 16384",
  },
  {
    name: "a load in words",
    stack: "us-east",
    config: { expectedLoad: { targets: "lots" } },
    key: "expectedLoad.targets",
    shown: 'the value "lots"',
    allowed: "a whole number from 1 to 10000000",
  },
  {
    name: "a top-level number as text below its bound",
    stack: "us-east",
    config: { storeGatewayReplicas: "1" },
    key: "storeGatewayReplicas",
    shown: 'the value "1"',
    allowed: "a whole number from 2 to 20",
  },
  {
    name: "a section written as text",
    stack: "us-east",
    config: { prometheus: "big" },
    key: "prometheus",
    shown: 'the value "big"',
    allowed: "an object of fields (docs/configuration.md lists them)",
  },
  {
    name: "a sample limit of zero",
    stack: "eu-west",
    config: { prometheus: { sampleLimit: 0 } },
    key: "prometheus.sampleLimit",
    shown: "the number 0",
    allowed: "a whole number from 100 to 10000000",
  },
  {
    name: "a memory override that is no quantity",
    stack: "us-east",
    config: { prometheus: { overrides: { memory: "lots" } } },
    key: "prometheus.overrides.memory",
    shown: 'the value "lots"',
    allowed: "a Kubernetes memory quantity such as 4Gi",
  },
  {
    name: "a static job path without a slash",
    stack: "us-east",
    config: withJobs([job({ metricsPath: "metrics" })]),
    key: "prometheus.staticJobs[0].metricsPath",
    shown: 'the value "metrics"',
    allowed: "a path starting with /",
  },
  {
    name: "a static job scheme Prometheus lacks",
    stack: "us-east",
    config: withJobs([job({ scheme: "ftp" })]),
    key: "prometheus.staticJobs[0].scheme",
    shown: 'the value "ftp"',
    allowed: "one of 'http', 'https'",
  },
  {
    name: "a static job with no targets",
    stack: "us-east",
    config: withJobs([job({ targets: [] })]),
    key: "prometheus.staticJobs[0].targets",
    shown: "the value []",
    allowed: "a list of at least one host:port target",
  },
  {
    name: "a static target without a port",
    stack: "us-east",
    config: withJobs([job({ targets: ["db.internal"] })]),
    key: "prometheus.staticJobs[0].targets[0]",
    shown: 'the value "db.internal"',
    allowed: "a host:port target",
  },
  {
    name: "a GKE release channel GKE lacks",
    stack: "eu-west",
    config: { cluster: { ...gcpCluster, releaseChannel: "BETA" } },
    key: "cluster.releaseChannel",
    shown: 'the value "BETA"',
    allowed: "one of 'RAPID', 'REGULAR', 'STABLE'",
  },
  {
    name: "a GCP project ID with spaces",
    stack: "eu-west",
    config: { gcpProject: "My Project" },
    key: "gcpProject",
    shown: 'the value "My Project"',
    allowed: "the ID of the GCP project that owns this stack (6-30 lower-case letters, digits and dashes)",
  },
  {
    name: "a VPC range outside 10/8",
    stack: "us-east",
    config: { cluster: { ...awsCluster, vpcCidr: "192.168.0.0/16" } },
    key: "cluster.vpcCidr",
    shown: 'the value "192.168.0.0/16"',
    allowed: "a private /16 such as 10.20.0.0/16",
  },
  {
    name: "a VPC range with an octet above 255",
    stack: "us-east",
    config: { cluster: { ...awsCluster, vpcCidr: "10.300.0.0/16" } },
    key: "cluster.vpcCidr",
    shown: 'the value "10.300.0.0/16"',
    allowed: "a private /16 such as 10.20.0.0/16",
  },

  // Durations the binaries reject.
  {
    name: "local retention below three 2h blocks",
    stack: "us-east",
    config: { prometheus: { retention: "4h" } },
    key: "prometheus.retention",
    shown: 'the value "4h"',
    allowed: durationAtLeast("6h", "three 2h blocks, so the Thanos sidecar can upload after an outage"),
  },
  {
    name: "a duration in words",
    stack: "eu-west",
    config: { prometheus: { scrapeInterval: "30 seconds" } },
    key: "prometheus.scrapeInterval",
    shown: 'the value "30 seconds"',
    allowed: interval,
  },
  {
    name: "a zero scrape interval",
    stack: "us-east",
    config: { prometheus: { scrapeInterval: "0s" } },
    key: "prometheus.scrapeInterval",
    shown: 'the value "0s"',
    allowed: interval,
  },
  {
    name: "a zero evaluation interval",
    stack: "eu-west",
    config: { prometheus: { evaluationInterval: "0m" } },
    key: "prometheus.evaluationInterval",
    shown: 'the value "0m"',
    allowed: interval,
  },
  {
    name: "a zero static job interval",
    stack: "us-east",
    config: withJobs([job({ scrapeInterval: "0s" })]),
    key: "prometheus.staticJobs[0].scrapeInterval",
    shown: 'the value "0s"',
    allowed: interval,
  },
  {
    name: "a scrape interval of hours",
    stack: "us-east",
    config: { prometheus: { scrapeInterval: "2h" } },
    key: "prometheus.scrapeInterval",
    shown: 'the value "2h"',
    allowed: interval,
  },
  {
    name: "an evaluation interval longer than an hour",
    stack: "eu-west",
    config: { prometheus: { evaluationInterval: "61m" } },
    key: "prometheus.evaluationInterval",
    shown: 'the value "61m"',
    allowed: interval,
  },
  {
    name: "a static job scraped once a day",
    stack: "us-east",
    config: withJobs([job({ scrapeInterval: "1d" })]),
    key: "prometheus.staticJobs[0].scrapeInterval",
    shown: 'the value "1d"',
    allowed: interval,
  },
  {
    name: "a team endpoint scraped every two hours",
    stack: "us-east",
    config: { teams: [teamWith({ interval: "2h" })] },
    key: "teams[0].services[0].endpoints[0].interval",
    shown: 'the value "2h"',
    allowed: interval,
  },
  {
    name: "a zero group interval",
    stack: "global",
    config: { alerting: { ...alerting, groupInterval: "0s" } },
    key: "alerting.groupInterval",
    shown: 'the value "0s"',
    allowed: durationAtLeast("1s"),
  },
  {
    name: "a zero repeat interval",
    stack: "global",
    config: { alerting: { ...alerting, repeatInterval: "0h" } },
    key: "alerting.repeatInterval",
    shown: 'the value "0h"',
    allowed: durationAtLeast("1s"),
  },
  {
    name: "a retention beyond what a duration holds",
    stack: "us-east",
    config: { prometheus: { retention: "500y" } },
    key: "prometheus.retention",
    shown: 'the value "500y"',
    allowed: durationAtLeast("6h", "three 2h blocks, so the Thanos sidecar can upload after an outage"),
  },

  // Retention per resolution.
  {
    name: "raw bucket retention below the compactor's 40h",
    stack: "us-east",
    config: { bucketRetention: { raw: "1d" } },
    key: "bucketRetention.raw",
    shown: 'the value "1d"',
    allowed: durationAtLeast("40h", "the compactor downsamples to 5m after 40h; 0d keeps it forever"),
  },
  {
    name: "retention written as a word",
    stack: "eu-west",
    config: { bucketRetention: { raw: "forever" } },
    key: "bucketRetention.raw",
    shown: 'the value "forever"',
    allowed: durationAtLeast("40h", "the compactor downsamples to 5m after 40h; 0d keeps it forever"),
  },
  {
    name: "5m data kept for less time than raw data",
    stack: "us-east",
    config: { bucketRetention: { raw: "90d", fiveMinutes: "30d" } },
    key: "bucketRetention.fiveMinutes",
    shown: 'the value "30d"',
    allowed:
      "a duration of at least 90d (bucketRetention.raw) or 0d for forever: a coarser resolution is kept at least as long as a finer one",
  },
  {
    name: "1h data kept for less time than 5m data",
    stack: "eu-west",
    config: { bucketRetention: { oneHour: "90d" } },
    key: "bucketRetention.oneHour",
    shown: 'the value "90d"',
    allowed:
      "a duration of at least 180d (bucketRetention.fiveMinutes) or 0d for forever: a coarser resolution is kept at least as long as a finer one",
  },
  {
    name: "raw data forever but 5m data not",
    stack: "us-east",
    config: { bucketRetention: { raw: "0d" } },
    key: "bucketRetention.fiveMinutes",
    shown: 'the value "180d" (its default)',
    allowed: "0d (forever), as bucketRetention.raw is 0d: a coarser resolution is kept at least as long as a finer one",
  },

  // Shards, static jobs, and the load.
  {
    name: "a static job pinned to a shard past prometheus.shards",
    stack: "us-east",
    config: withJobs([job({ shard: 2 })], { shards: 2 }),
    key: "prometheus.staticJobs[0].shard",
    shown: "the number 2",
    allowed: "a shard from 0 to 1 (prometheus.shards is 2)",
  },
  {
    name: "a retiring shard that is still active",
    stack: "us-east",
    config: { prometheus: { shards: 2, retiringShards: [1] } },
    key: "prometheus.retiringShards[0]",
    shown: "the number 1",
    allowed: "a shard number from 2 to 63 listed once: shards 0 to 1 are active (prometheus.shards is 2)",
  },
  {
    name: "a retiring shard listed twice",
    stack: "us-east",
    config: { prometheus: { shards: 1, retiringShards: [1, 1] } },
    key: "prometheus.retiringShards[1]",
    shown: "the number 1",
    allowed: "a shard number from 1 to 63 listed once: shards 0 to 0 are active (prometheus.shards is 1)",
  },
  {
    name: "a static job pinned to a shard the load does not need",
    stack: "eu-west",
    config: { prometheus: { staticJobs: [job({ shard: 1 })] } },
    key: "prometheus.staticJobs[0].shard",
    shown: "the number 1",
    allowed: "a shard from 0 to 0 (prometheus.shards is auto, which the expected load makes 1)",
  },
  {
    name: "more shards than expected targets",
    stack: "us-east",
    config: { prometheus: { shards: 4 }, expectedLoad: { targets: 3 } },
    key: "prometheus.shards",
    shown: "the number 4",
    allowed:
      "auto, or a whole number from 1 to 3 (expectedLoad.targets): a shard beyond the targets scrapes nothing; raise expectedLoad.targets if the region will grow to it",
  },
  {
    name: "a volume override too small for the sidecar's upload backlog",
    stack: "us-east",
    config: {
      prometheus: { shards: 1, scrapeInterval: "15s", overrides: { diskGiB: 10 } },
      expectedLoad: { targets: 2000 },
    },
    key: "prometheus.overrides.diskGiB",
    shown: "the number 10",
    allowed:
      "a whole number from 12 to 65536, or no value: the retention size (80% of the volume) must hold three 2h blocks of the shard's 133333 samples/s so the Thanos sidecar can upload after an outage",
  },
  {
    name: "two static jobs of one name",
    stack: "us-east",
    config: withJobs([job({}), job({ targets: ["db2.internal:9187"] })]),
    key: "prometheus.staticJobs[1].job",
    shown: 'the value "db"',
    allowed: "a job name not used by another static job",
  },
  {
    name: "a static job named like one of the program's own",
    stack: "us-east",
    config: withJobs([job({ job: "node-exporter" })]),
    key: "prometheus.staticJobs[0].job",
    shown: 'the value "node-exporter"',
    allowed:
      "a job name the program's own jobs do not use (prometheus, thanos-sidecar, kubelet, cadvisor, kubernetes-pods, kubernetes-service-endpoints, node-exporter, kube-state-metrics, thanos)",
  },
  {
    name: "a sample limit below the series a target has",
    stack: "eu-west",
    config: { prometheus: { sampleLimit: 500 } },
    key: "prometheus.sampleLimit",
    shown: "the number 500",
    allowed:
      "a whole number from 1000 (expectedLoad.seriesPerTarget) to 10000000: a target with more samples than the limit fails every scrape",
  },
  {
    name: "a load no 64 shards can carry",
    stack: "us-east",
    config: { expectedLoad: { targets: 10_000_000, seriesPerTarget: 1000 } },
    key: "expectedLoad.targets",
    shown: "the number 10000000",
    allowed:
      "a load of at most 128000000 series (64 shards of 2000000), but 10000000 targets x 1000 series per target is 10000000000",
  },

  // The cluster: zones, addresses, nodes, the cloud's machine types.
  {
    name: "a zone outside the region",
    stack: "us-east",
    config: { cluster: { ...awsCluster, zones: ["us-east-1a", "us-east-1b", "us-west-2a"] } },
    key: "cluster.zones[2]",
    shown: 'the value "us-west-2a"',
    allowed: "a zone of us-east-1 (such as us-east-1a)",
  },
  {
    name: "two zones",
    stack: "us-east",
    config: { cluster: { ...awsCluster, zones: ["us-east-1a", "us-east-1b"] } },
    key: "cluster.zones",
    shown: 'the value ["us-east-1a","us-east-1b"]',
    allowed: "at least three distinct zones of the region",
  },
  {
    name: "a zone listed twice",
    stack: "eu-west",
    config: { cluster: { ...gcpCluster, zones: ["europe-west1-b", "europe-west1-b", "europe-west1-c"] } },
    key: "cluster.zones",
    shown: 'the value ["europe-west1-b","europe-west1-b","europe-west1-c"]',
    allowed: "each zone once: 'europe-west1-b' is listed twice",
  },
  {
    name: "seven zones, more than the VPC has subnets for",
    stack: "us-east",
    config: { cluster: { ...awsCluster, zones: ["a", "b", "c", "d", "e", "f", "g"].map((l) => `us-east-1${l}`) } },
    key: "cluster.zones",
    shown: 'the value ["us-east-1a","us-east-1b","us-east-1c","us-east-1d","us-east-1e","us-east-1f","us-east-1g"]',
    allowed: "at most 6 zones: the VPC's /16 holds a private and a public subnet for each of 6",
  },
  {
    name: "a region without three zones and no zones listed",
    stack: "us-east",
    config: { region: "us-west-1" },
    key: "cluster.zones",
    shown: "no value (it is required)",
    allowed: "a list of at least three distinct zones of us-west-1",
  },
  {
    name: "a GCP zone in a GCP region of another name",
    stack: "eu-west",
    config: { cluster: { ...gcpCluster, zones: ["us-central1-a", "europe-west1-c", "europe-west1-d"] } },
    key: "cluster.zones[0]",
    shown: 'the value "us-central1-a"',
    allowed: "a zone of europe-west1 (such as europe-west1-b)",
  },
  {
    name: "an API open to the world",
    stack: "us-east",
    config: { cluster: { apiAllowedCidrs: ["0.0.0.0/0"] } },
    key: "cluster.apiAllowedCidrs",
    shown: 'the value ["0.0.0.0/0"]',
    allowed: "restricted CIDRs: 0.0.0.0/0 opens the Kubernetes API to the whole internet",
  },
  {
    name: "an API open to the world in two halves",
    stack: "eu-west",
    config: { cluster: { apiAllowedCidrs: ["0.0.0.0/1", "128.0.0.0/1"] } },
    key: "cluster.apiAllowedCidrs",
    shown: 'the value ["0.0.0.0/1","128.0.0.0/1"]',
    allowed: "restricted CIDRs: 0.0.0.0/1 and 128.0.0.0/1 together open the Kubernetes API to the whole internet",
  },
  {
    name: "no API allow list",
    stack: "us-east",
    config: { cluster: { vpcCidr: "10.10.0.0/16" } },
    key: "cluster.apiAllowedCidrs",
    shown: "no value (it is required)",
    allowed:
      "a list of IPv4 CIDRs such as 203.0.113.0/24 allowed to reach the Kubernetes API, which together leave some of the internet out",
  },
  {
    name: "a CIDR with an octet above 255",
    stack: "us-east",
    config: { cluster: { apiAllowedCidrs: ["300.1.1.0/24"] } },
    key: "cluster.apiAllowedCidrs[0]",
    shown: 'the value "300.1.1.0/24"',
    allowed: "an IPv4 CIDR such as 203.0.113.0/24",
  },
  {
    name: "a GCE machine type on AWS",
    stack: "us-east",
    config: { cluster: { ...awsCluster, nodes: { machineType: "e2-standard-4" } } },
    key: "cluster.nodes.machineType",
    shown: 'the value "e2-standard-4"',
    allowed:
      "'e2-standard-4' is a GCE machine type, not an EC2 instance type; an EC2 instance type whose capacity this program knows, such as m6i.xlarge (the list is in config/cloud/aws.ts)",
  },
  {
    name: "an EC2 instance type on GCP",
    stack: "eu-west",
    config: { cluster: { ...gcpCluster, nodes: { machineType: "m6i.xlarge" } } },
    key: "cluster.nodes.machineType",
    shown: 'the value "m6i.xlarge"',
    allowed:
      "'m6i.xlarge' is an EC2 instance type, not a GCE machine type; a GCE machine type whose capacity this program knows, such as e2-standard-4 (the list is in config/cloud/gcp.ts)",
  },
  {
    name: "fewer nodes at most than at least",
    stack: "us-east",
    config: { cluster: { ...awsCluster, nodes: { minNodes: 6, maxNodes: 4 } } },
    key: "cluster.nodes.maxNodes",
    shown: "the number 4",
    allowed: "a whole number from 6 (cluster.nodes.minNodes) to 1000",
  },
  {
    name: "more nodes than the GKE pods range holds",
    stack: "eu-west",
    config: { cluster: { ...gcpCluster, nodes: { maxNodes: 200 } } },
    key: "cluster.nodes.maxNodes",
    shown: "the number 200",
    allowed: "at most 128: GKE gives each node a /24 of the pods range 10.0.128.0/17, which holds 128 of them",
  },
  {
    name: "more nodes than the zones' subnets hold",
    stack: "us-east",
    config: { cluster: { ...awsCluster, nodes: { machineType: "m6i.large", maxNodes: 1000 } } },
    key: "cluster.nodes.maxNodes",
    shown: "the number 1000",
    allowed:
      "at most 816: each zone's /19 subnet has 8187 addresses and one m6i.large node takes 30 (itself and 29 pods)",
  },
  {
    name: "a node too small for one Prometheus pod",
    stack: "us-east",
    config: {
      cluster: { ...awsCluster, nodes: { machineType: "t3.medium" } },
      expectedLoad: { targets: 4000, seriesPerTarget: 1000 },
    },
    key: "cluster.nodes.machineType",
    shown: 'the value "t3.medium"',
    allowed:
      "a machine type whose node holds one Prometheus pod and a node-exporter, which request 4.7 GiB and 1.07 cores (2000000 series per shard) where one t3.medium node offers 3.5 GiB and 1.93 cores: t3.large or larger, or more prometheus.shards",
  },
  {
    name: "a memory override no node holds",
    stack: "eu-west",
    config: { prometheus: { overrides: { memory: "64Gi" } } },
    key: "cluster.nodes.machineType",
    shown: 'the value "e2-standard-4" (its default)',
    allowed:
      "a machine type whose node holds one Prometheus pod and a node-exporter, which request 64.2 GiB and 0.47 cores (200000 series per shard, prometheus.overrides included) where one e2-standard-4 node offers 13.3 GiB and 3.92 cores: c3-standard-22 or larger, or more prometheus.shards",
  },
  {
    name: "a load whose Store Gateway no node holds",
    stack: "us-east",
    config: { expectedLoad: { targets: 128_000, seriesPerTarget: 1000 } },
    key: "cluster.nodes.machineType",
    shown: 'the value "m6i.xlarge" (its default)',
    allowed:
      "a machine type whose node holds one Thanos Store Gateway pod and a node-exporter, which request 65.1 GiB and 32.55 cores (128000000 series in the region) where one m6i.xlarge node offers 15.0 GiB and 3.92 cores: c6i.12xlarge or larger, or a smaller expectedLoad",
  },
  {
    name: "more Prometheus replicas than nodes",
    stack: "us-east",
    config: { prometheus: { replicas: 7 } },
    key: "prometheus.replicas",
    shown: "the number 7",
    allowed: "at most 6 (cluster.nodes.maxNodes): no two replicas share a node",
  },

  // Teams: what each tier reads of an entry, monitors Prometheus would refuse, files that must be there.
  {
    name: "a team's dashboards on a regional stack",
    stack: "us-east",
    config: { teams: [{ name: "payments", dashboards: ["d.json"] }] },
    key: "teams[0].dashboards",
    shown: 'the value ["d.json"]',
    allowed: "no value on a regional stack: teams[].dashboards is read by the global stack",
  },
  {
    name: "a team's services on the global stack",
    stack: "global",
    config: { teams: [{ name: "payments", services: [] }] },
    key: "teams[0].services",
    shown: "the value []",
    allowed: "no value on a global stack: teams[].services is read by regional stacks",
  },
  {
    name: "two teams of one name",
    stack: "us-east",
    config: { teams: [{ name: "payments" }, { name: "payments" }] },
    key: "teams[1].name",
    shown: 'the value "payments"',
    allowed: "a team name no other team has",
  },
  {
    name: "a bearer token file on a team endpoint",
    stack: "us-east",
    config: { teams: [teamWith({ bearerTokenFile: "/t" })] },
    key: "teams[0].services[0].endpoints[0].bearerTokenFile",
    shown: 'the value "/t"',
    unknown: true,
    allowed:
      "a key of teams[0].services[0].endpoints[0]: port, targetPort, path, interval, scrapeTimeout, scheme, tlsConfig, basicAuth, authorization, honorLabels, params, relabelings, metricRelabelings",
  },
  {
    name: "a team endpoint without a port",
    stack: "us-east",
    config: { teams: [teamWith({ port: undefined })] },
    key: "teams[0].services[0].endpoints[0].port",
    shown: "no value (it is required)",
    allowed: "the name of the Service port to scrape (or a targetPort)",
  },
  {
    name: "a team monitor with nowhere to look",
    stack: "us-east",
    config: { teams: [{ ...teamWith({}), namespaces: undefined }] },
    key: "teams[0].namespaces",
    shown: "the value [] (its default)",
    allowed:
      "the namespaces the team's workloads run in, where monitor 'api' looks without a namespaceSelector (or a namespaceSelector on the monitor)",
  },
  {
    name: "a team raising the sample limit",
    stack: "us-east",
    config: { teams: [{ ...teamWith({}), services: [{ ...teamWith({}).services[0], sampleLimit: 60000 }] }] },
    key: "teams[0].services[0].sampleLimit",
    shown: "the number 60000",
    allowed: "a whole number up to 50000 (prometheus.sampleLimit): a team cannot raise the stack's per-target limit",
  },
  {
    name: "a team relabeling that writes the team label",
    stack: "us-east",
    config: { teams: [teamWith({ relabelings: [{ targetLabel: "team", replacement: "billing" }] })] },
    key: "teams[0].services[0].endpoints[0].relabelings[0].targetLabel",
    shown: 'the value "team"',
    allowed: 'a label other than team: the stack sets team="payments" on every series of the team',
  },
  {
    name: "a team relabeling of an unknown action",
    stack: "us-east",
    config: { teams: [teamWith({ relabelings: [{ action: "rename" }] })] },
    key: "teams[0].services[0].endpoints[0].relabelings[0].action",
    shown: 'the value "rename"',
    allowed:
      "one of 'replace', 'keep', 'drop', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase', 'keepequal', 'dropequal'",
  },
  {
    name: "TLS settings on a plain-HTTP team endpoint",
    stack: "us-east",
    config: { teams: [teamWith({ tlsConfig: { insecureSkipVerify: true } })] },
    key: "teams[0].services[0].endpoints[0].tlsConfig",
    shown: 'the value {"insecureSkipVerify":true}',
    allowed: "no value unless scheme is https",
  },
  // A team's credentials and TLS material: one source each, a key with its certificate, one way to authenticate, a namespace to read them from.
  {
    name: "a team client key without its certificate",
    stack: "us-east",
    config: { teams: [teamWith({ scheme: "https", tlsConfig: { keySecret: teamKey } })] },
    key: "teams[0].services[0].endpoints[0].tlsConfig.cert",
    shown: "no value (it is required)",
    allowed: "the client certificate (a secret or configMap) of tlsConfig.keySecret: a key needs its certificate",
  },
  {
    name: "a team client certificate without its key",
    stack: "us-east",
    config: { teams: [teamWith({ scheme: "https", tlsConfig: { cert: { secret: teamKey } } })] },
    key: "teams[0].services[0].endpoints[0].tlsConfig.keySecret",
    shown: "no value (it is required)",
    allowed: "the Secret key of the client certificate's private key: a tlsConfig.cert needs one",
  },
  {
    name: "a team CA from a Secret and a ConfigMap at once",
    stack: "us-east",
    config: { teams: [teamWith({ scheme: "https", tlsConfig: { ca: { secret: teamKey, configMap: teamKey } } })] },
    key: "teams[0].services[0].endpoints[0].tlsConfig.ca.configMap",
    shown: 'the value {"name":"api-auth","key":"token"}',
    allowed: "no value beside tlsConfig.ca.secret: one source, a Secret or a ConfigMap",
  },
  {
    name: "a team CA from nowhere",
    stack: "us-east",
    config: { teams: [teamWith({ scheme: "https", tlsConfig: { ca: {} } })] },
    key: "teams[0].services[0].endpoints[0].tlsConfig.ca",
    shown: "the value {}",
    allowed: "a secret or a configMap (its name and key)",
  },
  {
    name: "a team endpoint with basic auth and an authorization",
    stack: "us-east",
    config: {
      teams: [
        teamWith({ basicAuth: { username: teamKey, password: teamKey }, authorization: { credentials: teamKey } }),
      ],
    },
    key: "teams[0].services[0].endpoints[0].authorization",
    shown: 'the value {"credentials":{"name":"api-auth","key":"token"}}',
    allowed: "no value beside basicAuth: Prometheus authenticates a scrape one way",
  },
  {
    name: "a team authorization of type Basic",
    stack: "us-east",
    config: { teams: [teamWith({ authorization: { type: "basic", credentials: teamKey } })] },
    key: "teams[0].services[0].endpoints[0].authorization.type",
    shown: 'the value "basic"',
    allowed: "a scheme other than Basic (Prometheus refuses it in authorization): use basicAuth",
  },
  {
    name: "a team authorization without credentials",
    stack: "us-east",
    config: { teams: [teamWith({ authorization: { type: "Bearer" } })] },
    key: "teams[0].services[0].endpoints[0].authorization.credentials",
    shown: "no value (it is required)",
    allowed: "an object of fields (docs/configuration.md lists them)",
  },
  {
    name: "team credentials with no namespace to read them from",
    stack: "us-east",
    config: {
      teams: [
        {
          ...teamWith({ authorization: { credentials: teamKey } }),
          namespaces: [],
          services: [
            { ...teamWith({ authorization: { credentials: teamKey } }).services[0], namespaceSelector: { any: true } },
          ],
        },
      ],
    },
    key: "teams[0].services[0].namespace",
    shown: "no value (it is required)",
    allowed:
      "the namespace of the Secrets and ConfigMaps monitor 'api' names (or teams[].namespaces, whose first one is the default)",
  },
  {
    name: "a team targetLabel that would overwrite the team label",
    stack: "us-east",
    config: { teams: [{ ...teamWith({}), services: [{ ...teamWith({}).services[0], targetLabels: ["team"] }] }] },
    key: "teams[0].services[0].targetLabels[0]",
    shown: 'the value "team"',
    allowed: 'a label other than team: the stack sets team="payments" on every series of the team',
  },
  {
    name: "targetLabels on a team's PodMonitor",
    stack: "us-east",
    config: {
      teams: [
        {
          name: "payments",
          namespaces: ["payments"],
          pods: [{ name: "w", targetLabels: ["app"], endpoints: [{ port: "metrics" }] }],
        },
      ],
    },
    key: "teams[0].pods[0].targetLabels",
    shown: 'the value ["app"]',
    unknown: true,
    allowed:
      "'teams[0].pods[0].podTargetLabels' (the closest key), or another key of teams[0].pods[0]: name, namespace, namespaceSelector, selector, jobLabel, podTargetLabels, sampleLimit, labelLimit, endpoints",
  },
  {
    name: "a team rule file that does not exist",
    stack: "us-east",
    config: { teams: [{ name: "payments", rules: ["teams/payments/missing.yaml"] }] },
    key: "teams[0].rules[0]",
    shown: 'the value "teams/payments/missing.yaml"',
    allowed: "a rule file in the project directory, but teams/payments/missing.yaml does not exist there",
  },
  {
    name: "a team rule file outside the project",
    stack: "us-east",
    config: { teams: [{ name: "payments", rules: ["../rules.yaml"] }] },
    key: "teams[0].rules[0]",
    shown: 'the value "../rules.yaml"',
    allowed: "a path of a Prometheus rule file (.yaml or .yml) relative to the project directory, without '..'",
  },
  {
    name: "a team rule claiming another team",
    stack: "us-east",
    config: { teams: [{ name: "payments", rules: ["test/fixtures/teams/other-team-rules.yaml"] }] },
    key: "teams[0].rules[0]",
    shown: 'the value "test/fixtures/teams/other-team-rules.yaml"',
    allowed:
      "rules of team 'payments' only, but test/fixtures/teams/other-team-rules.yaml: group 'payments' sets team=\"billing\" on LedgerLagging (the stack sets team=\"payments\" on every rule of the team)",
  },
  {
    name: "a team rule group claiming another team",
    stack: "us-east",
    config: { teams: [{ name: "payments", rules: ["test/fixtures/teams/other-team-group.yaml"] }] },
    key: "teams[0].rules[0]",
    shown: 'the value "test/fixtures/teams/other-team-group.yaml"',
    allowed:
      "rules of team 'payments' only, but test/fixtures/teams/other-team-group.yaml: group 'ledger' sets team=\"billing\" on the group (the stack sets team=\"payments\" on every rule of the team)",
  },
  {
    name: "an imported ServiceMonitor raising the sample limit",
    stack: "us-east",
    config: { teams: [{ name: "payments", importDir: "test/fixtures/teams/over-limit" }] },
    key: "teams[0].importDir",
    shown: 'the value "test/fixtures/teams/over-limit"',
    allowed:
      "a whole number up to 50000 (prometheus.sampleLimit): a team cannot raise the stack's per-target limit (in the imported ServiceMonitor 'ledger', field sampleLimit)",
  },
  {
    name: "a team receiver of a name the stack has",
    stack: "global",
    config: { teams: [{ name: "payments", receivers: [{ ...receivers[0] }] }] },
    key: "teams[0].receivers[0].name",
    shown: 'the value "oncall"',
    allowed: "a receiver name not used elsewhere (alerting.receivers has 'oncall')",
  },
  {
    name: "a team route to another team's receiver",
    stack: "global",
    secrets: { paymentsSlackUrl: "https://hooks.slack.com/services/T/P/X" },
    config: { teams: [{ name: "payments", receivers: [teamReceiver], routes: [{ receiver: "oncall" }] }] },
    key: "teams[0].routes[0].receiver",
    shown: 'the value "oncall"',
    allowed: "one of the team's receivers: payments-slack",
  },
  {
    name: "a team receiver's secret that is not set",
    stack: "global",
    config: { teams: [{ name: "payments", receivers: [teamReceiver] }] },
    key: "paymentsSlackUrl",
    shown: "no value (it is required)",
    allowed:
      "the Slack incoming-webhook URL of receiver 'payments-slack' of team 'payments', set as a secret with: pulumi config set --secret paymentsSlackUrl <value>",
  },
  {
    name: "a team dashboard that is no dashboard",
    stack: "global",
    config: { teams: [{ name: "payments", dashboards: ["package.json"] }] },
    key: "teams[0].dashboards[0]",
    shown: 'the value "package.json"',
    allowed: "a Grafana dashboard (a JSON object with a title), but package.json has no title",
  },

  // The global tier: regions, receivers, routes, Grafana, the database, ingress.
  {
    name: "no regions",
    stack: "global",
    config: { regions: undefined },
    key: "regions",
    shown: "no value (it is required)",
    allowed: "a list of at least one regional stack as org/project/stack",
  },
  {
    name: "an empty region list",
    stack: "global",
    config: { regions: [] },
    key: "regions",
    shown: "the value []",
    allowed: "a list of at least one regional stack as org/project/stack",
  },
  {
    name: "a region that is no stack reference",
    stack: "global",
    config: { regions: ["us-east"] },
    key: "regions[0]",
    shown: 'the value "us-east"',
    allowed: "a regional stack as org/project/stack",
  },
  {
    name: "a region listed twice",
    stack: "global",
    config: { regions: ["acme/monitoring/us-east", "other/monitoring/us-east"] },
    key: "regions[1]",
    shown: 'the value "other/monitoring/us-east"',
    allowed: "each region once: 'us-east' is listed twice",
  },
  {
    name: "the global stack as its own region",
    stack: "global",
    config: { regions: ["acme/monitoring/us-east", "acme/monitoring/global"] },
    key: "regions[1]",
    shown: 'the value "acme/monitoring/global"',
    allowed: "regional stacks only: the global stack cannot federate itself",
  },
  {
    name: "an even Alertmanager mesh",
    stack: "global",
    config: { alerting: { ...alerting, replicas: 4 } },
    key: "alerting.replicas",
    shown: "the number 4",
    allowed: "an odd number from 3 to 9 (a gossip mesh needs a majority)",
  },
  {
    name: "a mesh larger than the cluster",
    stack: "global",
    config: { alerting: { ...alerting, replicas: 5 }, cluster: { ...global.cluster, nodes: { maxNodes: 4 } } },
    key: "alerting.replicas",
    shown: "the number 5",
    allowed: "at most 4 (cluster.nodes.maxNodes): no two replicas share a node",
  },
  {
    name: "no receivers",
    stack: "global",
    secrets: { pagerdutyRoutingKey: undefined, slackWebhookUrl: undefined },
    config: { alerting: { ...alerting, receivers: [], defaultReceiver: undefined, routes: [] } },
    key: "alerting.receivers",
    shown: "the value []",
    allowed: "a list of at least one receiver",
  },
  {
    name: "a receiver type Alertmanager is not set up for",
    stack: "global",
    config: { alerting: { ...alerting, receivers: [{ ...receivers[0], type: "email" }, receivers[1]] } },
    key: "alerting.receivers[0].type",
    shown: 'the value "email"',
    allowed: "one of 'slack', 'pagerduty', 'webhook'",
  },
  {
    name: "two receivers of one name",
    stack: "global",
    config: { alerting: { ...alerting, receivers: [receivers[0], { ...receivers[1], name: "oncall" }] } },
    key: "alerting.receivers[1].name",
    shown: 'the value "oncall"',
    allowed: "a receiver name not used by another receiver",
  },
  {
    name: "a channel on a PagerDuty receiver",
    stack: "global",
    config: { alerting: { ...alerting, receivers: [{ ...receivers[0], channel: "#oncall" }, receivers[1]] } },
    key: "alerting.receivers[0].channel",
    shown: 'the value "#oncall"',
    allowed: "no value: only slack receivers have a channel, and 'oncall' is a pagerduty receiver",
  },
  {
    name: "a default receiver that does not exist",
    stack: "global",
    config: { alerting: { ...alerting, defaultReceiver: "nobody" } },
    key: "alerting.defaultReceiver",
    shown: 'the value "nobody"',
    allowed: "one of the receivers: oncall, team-slack",
  },
  {
    name: "a route to a receiver that does not exist",
    stack: "global",
    config: { alerting: { ...alerting, routes: [{ receiver: "nobody" }] } },
    key: "alerting.routes[0].receiver",
    shown: 'the value "nobody"',
    allowed: "one of the receivers: oncall, team-slack",
  },
  {
    name: "a matcher without quotes",
    stack: "global",
    config: { alerting: { ...alerting, routes: [{ receiver: "oncall", matchers: ["severity=critical"] }] } },
    key: "alerting.routes[0].matchers[0]",
    shown: 'the value "severity=critical"',
    allowed: 'a matcher such as severity="critical"',
  },
  {
    name: "continue as a word",
    stack: "global",
    config: { alerting: { ...alerting, routes: [{ receiver: "oncall", continue: "yes" }] } },
    key: "alerting.routes[0].continue",
    shown: 'the value "yes"',
    allowed: "true or false",
  },
  {
    name: "a group-by label with a space",
    stack: "global",
    config: { alerting: { ...alerting, groupBy: ["alert name"] } },
    key: "alerting.groupBy[0]",
    shown: 'the value "alert name"',
    allowed: "a label name",
  },
  {
    name: "a receiver's secret that is not set",
    stack: "global",
    secrets: { pagerdutyRoutingKey: undefined },
    key: "pagerdutyRoutingKey",
    shown: "no value (it is required)",
    allowed:
      "the PagerDuty Events v2 routing key of receiver 'oncall', set as a secret with: pulumi config set --secret pagerdutyRoutingKey <value>",
  },
  {
    name: "a receiver's secret set in plain text",
    stack: "global",
    secrets: { slackWebhookUrl: undefined },
    config: { slackWebhookUrl: "https://hooks.slack.com/services/T/B/X" },
    key: "slackWebhookUrl",
    shown: "a value in plain text (not shown here)",
    allowed:
      "a secret, not plain text: it holds the Slack incoming-webhook URL of receiver 'team-slack'; set it with: pulumi config set --secret slackWebhookUrl <value>",
  },
  {
    name: "a secret key naming one of the program's own keys",
    stack: "global",
    secrets: { pagerdutyRoutingKey: undefined },
    config: { alerting: { ...alerting, receivers: [{ ...receivers[0], secretKey: "region" }, receivers[1]] } },
    key: "region",
    shown: "a value in plain text (not shown here)",
    allowed:
      "a secret, not plain text: it holds the PagerDuty Events v2 routing key of receiver 'oncall'; set it with: pulumi config set --secret region <value>",
  },
  {
    name: "a Grafana domain that is no DNS name",
    stack: "global",
    config: { grafana: { ...global.grafana, domain: "grafana" } },
    key: "grafana.domain",
    shown: 'the value "grafana"',
    allowed: "a DNS name such as grafana.example.com",
  },
  {
    name: "a single sign-on provider without its token endpoint",
    stack: "global",
    config: { grafana: { ...global.grafana, sso: { ...sso, tokenUrl: undefined } } },
    key: "grafana.sso.tokenUrl",
    shown: "no value (it is required)",
    allowed: "an https:// URL such as https://idp.example.com/oauth2/v1/token",
  },
  {
    name: "a single sign-on endpoint over plain HTTP",
    stack: "global",
    config: { grafana: { ...global.grafana, sso: { ...sso, authUrl: "http://idp.example.com/authorize" } } },
    key: "grafana.sso.authUrl",
    shown: 'the value "http://idp.example.com/authorize"',
    allowed: "an https:// URL such as https://idp.example.com/oauth2/v1/authorize",
  },
  {
    name: "Grafana's OAuth client secret in plain text",
    stack: "global",
    secrets: { grafanaClientSecret: undefined },
    config: { grafanaClientSecret: "s3cret-in-the-stack-file" },
    key: "grafanaClientSecret",
    shown: "a value in plain text (not shown here)",
    allowed:
      "a secret, not plain text: it holds Grafana's OAuth client secret (grafana.sso.secretKey); set it with: pulumi config set --secret grafanaClientSecret <value>",
  },
  {
    name: "Grafana's OAuth client secret not set",
    stack: "global",
    secrets: { grafanaClientSecret: undefined },
    key: "grafanaClientSecret",
    shown: "no value (it is required)",
    allowed:
      "Grafana's OAuth client secret (grafana.sso.secretKey), set as a secret with: pulumi config set --secret grafanaClientSecret <value>",
  },
  {
    name: "Grafana's OAuth client secret written into the stack file",
    stack: "global",
    config: { grafana: { ...global.grafana, sso: { ...sso, clientSecret: "s3cret-in-the-stack-file" } } },
    key: "grafana.sso.clientSecret",
    shown: "a value in plain text (not shown here)",
    unknown: true,
    allowed: `no secret in the stack file: name a secret config key in grafana.sso.secretKey and set it with: pulumi config set --secret <key> <value>; a key of grafana.sso: ${ssoKeys}`,
  },
  {
    name: "single sign-on mapping no group",
    stack: "global",
    config: { grafana: { ...global.grafana, sso: { ...sso, roles: {} } } },
    key: "grafana.sso.roles",
    shown: "the value {}",
    allowed: ssoRolesAllowed,
  },
  {
    name: "a group given Grafana server admin",
    stack: "global",
    config: { grafana: { ...global.grafana, sso: { ...sso, roles: { "platform-admins": "GrafanaAdmin" } } } },
    key: "grafana.sso.roles.platform-admins",
    shown: 'the value "GrafanaAdmin"',
    allowed: "one of 'Viewer', 'Editor', 'Admin'",
  },
  {
    name: "a group name with a backslash",
    stack: "global",
    config: { grafana: { ...global.grafana, sso: { ...sso, roles: { "CORP\\sre": "Editor" } } } },
    key: "grafana.sso.roles",
    shown: 'the value {"CORP\\\\sre":"Editor"}',
    allowed: `"CORP\\\\sre" is no group name the role mapping can quote; ${ssoRolesAllowed}`,
  },
  {
    name: "single sign-on scopes without openid",
    stack: "global",
    config: { grafana: { ...global.grafana, sso: { ...sso, scopes: ["email", "groups"] } } },
    key: "grafana.sso.scopes",
    shown: 'the value ["email","groups"]',
    allowed: "a list of OAuth scopes that includes openid",
  },
  {
    name: "two Grafana replicas",
    stack: "global",
    config: { grafana: { ...global.grafana, minReplicas: 2 } },
    key: "grafana.minReplicas",
    shown: "the number 2",
    allowed: "a whole number from 3 to 50",
  },
  {
    name: "fewer Query replicas at most than at least",
    stack: "global",
    config: { query: { minReplicas: 5, maxReplicas: 3 } },
    key: "query.maxReplicas",
    shown: "the number 3",
    allowed: "a whole number from 5 (query.minReplicas) to 100",
  },
  {
    name: "one federation replica",
    stack: "global",
    config: { federationReplicas: "1" },
    key: "federationReplicas",
    shown: 'the value "1"',
    allowed: "a whole number from 2 to 5",
  },
  {
    name: "backups kept for less than 7 days",
    stack: "global",
    config: { database: { backupRetentionDays: 3 } },
    key: "database.backupRetentionDays",
    shown: "the number 3",
    allowed: "a whole number from 7 to 35",
  },
  {
    name: "a Cloud SQL tier on AWS",
    stack: "global",
    config: { database: { instanceClass: "db-custom-2-7680" } },
    key: "database.instanceClass",
    shown: 'the value "db-custom-2-7680"',
    allowed:
      "'db-custom-2-7680' is a Cloud SQL tier, not an RDS instance class; an RDS instance class such as db.t4g.medium or db.r6g.large",
  },
  {
    name: "an RDS class on GCP",
    stack: "global",
    config: {
      cloud: "gcp",
      region: "europe-west1",
      gcpProject: "my-monitoring-project",
      database: { instanceClass: "db.t4g.medium" },
    },
    key: "database.instanceClass",
    shown: 'the value "db.t4g.medium"',
    allowed:
      "'db.t4g.medium' is an RDS instance class, not a Cloud SQL tier; a Cloud SQL tier such as db-custom-2-7680",
  },
  {
    name: "a database class of neither cloud",
    stack: "global",
    config: { database: { instanceClass: "large" } },
    key: "database.instanceClass",
    shown: 'the value "large"',
    allowed: "an RDS instance class such as db.t4g.medium or db.r6g.large",
  },
  {
    name: "ingress open to the world in two halves",
    stack: "global",
    config: { ingressAllowedCidrs: ["0.0.0.0/1", "128.0.0.0/1"] },
    key: "ingressAllowedCidrs",
    shown: 'the value ["0.0.0.0/1","128.0.0.0/1"]',
    allowed: "restricted CIDRs: 0.0.0.0/1 and 128.0.0.0/1 together open Grafana and Thanos Query to the whole internet",
  },
  {
    name: "no ingress allow list",
    stack: "global",
    config: { ingressAllowedCidrs: undefined },
    key: "ingressAllowedCidrs",
    shown: "no value (it is required)",
    allowed:
      "a list of IPv4 CIDRs such as 203.0.113.0/24 allowed to reach Grafana and Thanos Query, which together leave some of the internet out",
  },
  {
    name: "remote-write without the Receive endpoint",
    stack: "us-east",
    config: { ingestion: { mode: "remote-write" } },
    key: "ingestion.receiveEndpoint",
    shown: "no value (it is required)",
    allowed:
      "the global tier's Thanos Receive ingress as host:port (such as receive.example.com:19291) when ingestion.mode is remote-write",
  },
  {
    name: "an ingestion mode that does not exist",
    stack: "eu-west",
    config: { ingestion: { mode: "push" } },
    key: "ingestion.mode",
    shown: 'the value "push"',
    allowed: "one of 'sidecar', 'remote-write'",
  },
  {
    name: "a Receive hashring too small to replicate each sample three times",
    stack: "global",
    config: { receive: { replicas: 2 } },
    key: "receive.replicas",
    shown: "the number 2",
    allowed: "a whole number from 3 to 30",
  },
];
