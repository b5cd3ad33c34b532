import { CLOUDS, Cloud, DEFAULT_MACHINE_TYPE, cloudOfRegion, defaultZones, regionsOf, zoneBelongsTo } from "./clouds";
import { parseDuration } from "./duration";
import { ConfigReader, RawConfig } from "./reader";
import {
  AlertingSettings,
  BUILT_IN_RECEIVERS,
  BaseStackConfig,
  BucketRetention,
  ClusterSettings,
  GlobalStackConfig,
  HEARTBEAT_TYPES,
  HeartbeatSettings,
  PrometheusSettings,
  RECEIVER_TYPES,
  RELEASE_CHANNELS,
  ReceiverSettings,
  RegionReference,
  RegionalStackConfig,
  StackConfig,
  StaticScrapeJob,
  TIERS,
} from "./types";

const HOUR = 3600;
const DAY = 24 * HOUR;
/** Thanos sidecars upload 2h blocks; its docs ask for local retention of at least three of them. */
const MIN_LOCAL_RETENTION = 3 * 2 * HOUR;
/** The compactor makes 5m blocks from 40h of raw data and 1h blocks from 10d of 5m data, and refuses shorter retention. */
const MIN_RAW_RETENTION = 40 * HOUR;
const MIN_FIVE_MINUTE_RETENTION = 10 * DAY;

const NAME = { re: /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/, allowed: "lower-case letters, digits and dashes, starting with a letter, 2 to 40 characters" };
const JOB_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const STACK_REFERENCE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/([A-Za-z0-9_.-]+)$/;
const QUANTITY = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G)?$/;
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * Reads and validates one stack's config into a frozen object. Throws a ConfigError on the first mistake,
 * before any resource exists.
 */
export function loadStackConfig(stack: string, raw: RawConfig): StackConfig {
  const config = ConfigReader.fromRaw(stack, raw);
  const tier = config.oneOf("tier", TIERS);
  const base = readBase(config);
  const stackConfig = tier === "regional" ? readRegional(config, base) : readGlobal(config, base);
  return deepFreeze(stackConfig);
}

function readBase(config: ConfigReader): BaseStackConfig {
  const cloud = config.oneOf("cloud", CLOUDS);
  const allowedRegions = `${cloudRegion(cloud)}: ${regionsOf(cloud).join(", ")}`;
  const region = config.requireString("region", allowedRegions);
  if (!regionsOf(cloud).includes(region)) {
    const other = cloudOfRegion(region);
    config.fail("region", region, `${other ? `'${region}' is ${cloudRegion(other)}; ` : ""}${allowedRegions}`);
  }
  const gcpProject =
    cloud === "gcp" ? config.requireString("gcpProject", "the ID of the GCP project that owns this stack (6-30 characters)") : undefined;
  const namePrefix = config.string("namePrefix", config.stack.toLowerCase().replace(/[^a-z0-9-]/g, "-"), NAME);
  return {
    stack: config.stack,
    cloud,
    region,
    gcpProject,
    namePrefix,
    cluster: readCluster(config, cloud, region, namePrefix),
    // Inside the leaf certificates' 30-day early-renewal window, so a monthly `pulumi up` keeps it quiet.
    certificateWarningDays: config.integer("certificateWarningDays", 14, { min: 1, max: 180 }),
  };
}

function cloudRegion(cloud: Cloud): string {
  return cloud === "aws" ? "an AWS region" : "a GCP region";
}

function readCluster(config: ConfigReader, cloud: Cloud, region: string, namePrefix: string): ClusterSettings {
  const cluster = config.section("cluster");
  const zoneDefault = defaultZones(cloud, region);
  const zones = cluster.stringList("zones", zoneDefault.length >= 3 ? zoneDefault : undefined, (zone) =>
    zoneBelongsTo(cloud, region, zone) ? undefined : `zones of ${region} (such as ${defaultZones(cloud, region)[0] ?? `${region}a`})`,
  `at least three zones of ${region}`);
  if (new Set(zones).size < 3) cluster.fail("zones", zones, `at least three distinct zones of ${region}`);
  const nodes = cluster.section("nodes");
  const minNodes = nodes.integer("minNodes", 3, { min: 1, max: 1000 });
  const maxNodes = nodes.integer("maxNodes", Math.max(6, minNodes), { min: minNodes, max: 1000 });
  return {
    name: cluster.string("name", `${namePrefix}-monitoring`, NAME),
    kubernetesVersion: cluster.string("kubernetesVersion", "1.33", { re: /^1\.\d{2}$/, allowed: "a Kubernetes minor version such as 1.33" }),
    zones,
    vpcCidr: cluster.string("vpcCidr", "10.0.0.0/16", { re: /^10\.\d{1,3}\.0\.0\/16$/, allowed: "a private /16 such as 10.20.0.0/16" }),
    nodes: {
      machineType: nodes.string("machineType", DEFAULT_MACHINE_TYPE[cloud]),
      minNodes,
      maxNodes,
      diskGiB: nodes.integer("diskGiB", 100, { min: 20, max: 16384 }),
    },
    apiAllowedCidrs: cluster.stringList("apiAllowedCidrs", undefined, checkRestrictedCidr, "a list of CIDRs allowed to reach the Kubernetes API, none of them 0.0.0.0/0"),
    releaseChannel: cluster.oneOf("releaseChannel", RELEASE_CHANNELS, "REGULAR"),
  };
}

function readRegional(config: ConfigReader, base: BaseStackConfig): RegionalStackConfig {
  const prometheus = readPrometheus(config.section("prometheus"));
  const load = config.section("expectedLoad");
  const bucket = config.section("bucketRetention");
  return {
    ...base,
    tier: "regional",
    prometheus,
    load: {
      targets: load.integer("targets", 200, { min: 1, max: 10_000_000 }),
      seriesPerTarget: load.integer("seriesPerTarget", 1000, { min: 1, max: 1_000_000 }),
    },
    bucketRetention: readBucketRetention(bucket),
    storeGatewayReplicas: config.integer("storeGatewayReplicas", 2, { min: 2, max: 20 }),
  };
}

function readPrometheus(prometheus: ConfigReader): PrometheusSettings {
  const replicas = prometheus.integer("replicas", 2, { min: 2, max: 10 });
  const shardsRaw = prometheus.raw("shards");
  const shards = shardsRaw === undefined || shardsRaw === "auto" ? "auto" : prometheus.integer("shards", undefined, { min: 1, max: 64 });
  const overrides = prometheus.section("overrides");
  const staticJobs = prometheus.objectList("staticJobs", readStaticJob);
  const seen = new Set<string>();
  staticJobs.forEach((job, i) => {
    if (seen.has(job.job)) prometheus.fail(`staticJobs[${i}].job`, job.job, "a job name not used by another static job");
    seen.add(job.job);
    if (typeof shards === "number" && job.shard !== undefined && job.shard >= shards) {
      prometheus.fail(`staticJobs[${i}].shard`, job.shard, `a shard from 0 to ${shards - 1} (prometheus.shards is ${shards})`);
    }
  });
  return {
    replicas,
    shards,
    scrapeInterval: prometheus.duration("scrapeInterval", "30s", { minSeconds: 1 }),
    evaluationInterval: prometheus.duration("evaluationInterval", "30s", { minSeconds: 1 }),
    retention: prometheus.duration("retention", "24h", { minSeconds: MIN_LOCAL_RETENTION, why: "three 2h blocks, so the Thanos sidecar can upload after an outage" }),
    sampleLimit: prometheus.integer("sampleLimit", 50_000, { min: 100, max: 10_000_000 }),
    labelLimit: prometheus.integer("labelLimit", 64, { min: 10, max: 1000 }),
    staticJobs,
    overrides: {
      cpu: overrides.has("cpu") ? overrides.string("cpu", "", { re: QUANTITY, allowed: "a Kubernetes CPU quantity such as 500m or 2" }) : undefined,
      memory: overrides.has("memory") ? overrides.string("memory", "", { re: QUANTITY, allowed: "a Kubernetes memory quantity such as 4Gi" }) : undefined,
      diskGiB: overrides.has("diskGiB") ? overrides.integer("diskGiB", undefined, { min: 10, max: 65536 }) : undefined,
    },
  };
}

function readStaticJob(job: ConfigReader): StaticScrapeJob {
  const name = job.string("job", "", { re: JOB_NAME, allowed: "a Prometheus job name (letters, digits, _ and -)" });
  const targets = job.stringList("targets", undefined, (t) => (/^[A-Za-z0-9.-]+:\d{1,5}$/.test(t) ? undefined : "host:port"), "a list of host:port targets");
  if (targets.length === 0) job.fail("targets", targets, "at least one host:port target");
  return {
    job: name,
    targets,
    shard: job.has("shard") ? job.integer("shard", undefined, { min: 0, max: 63 }) : undefined,
    scrapeInterval: job.has("scrapeInterval") ? job.duration("scrapeInterval", "", { minSeconds: 1 }) : undefined,
    metricsPath: job.string("metricsPath", "/metrics", { re: /^\//, allowed: "a path starting with /" }),
    scheme: job.oneOf("scheme", ["http", "https"] as const, "http"),
  };
}

function readBucketRetention(bucket: ConfigReader): BucketRetention {
  const forever = (key: string) => parseDuration(String(bucket.raw(key) ?? "")) === 0;
  const keep = (key: string, fallback: string, minSeconds: number, why: string) =>
    forever(key) ? String(bucket.raw(key)) : bucket.duration(key, fallback, { minSeconds, why: `${why}; 0d keeps it forever` });
  return {
    raw: keep("raw", "30d", MIN_RAW_RETENTION, "the compactor downsamples to 5m after 40h"),
    fiveMinutes: keep("fiveMinutes", "180d", MIN_FIVE_MINUTE_RETENTION, "the compactor downsamples to 1h after 10d"),
    oneHour: keep("oneHour", "2y", MIN_FIVE_MINUTE_RETENTION, "at least as long as the 5m resolution"),
  };
}

function readGlobal(config: ConfigReader, base: BaseStackConfig): GlobalStackConfig {
  const regions = config.stringList("regions", undefined, (ref) => (STACK_REFERENCE.test(ref) ? undefined : "org/project/stack"),
    "a list of regional stacks as org/project/stack");
  if (regions.length === 0) config.fail("regions", regions, "at least one regional stack as org/project/stack");
  const references: RegionReference[] = regions.map((ref) => ({ name: STACK_REFERENCE.exec(ref)![1], stackReference: ref }));
  const seen = new Set<string>();
  for (const region of references) {
    if (seen.has(region.name)) config.fail("regions", region.stackReference, `each region once: '${region.name}' is listed twice`);
    seen.add(region.name);
  }
  const grafana = config.section("grafana");
  const grafanaMin = grafana.integer("minReplicas", 3, { min: 3, max: 50 });
  const query = config.section("query");
  const queryMin = query.integer("minReplicas", 2, { min: 2, max: 50 });
  const database = config.section("database");
  const domain = grafana.requireString("domain", "the DNS name users reach Grafana at, such as grafana.example.com");
  if (!HOST_NAME.test(domain)) grafana.fail("domain", domain, "a DNS name such as grafana.example.com");
  return {
    ...base,
    tier: "global",
    regions: references,
    federationReplicas: config.integer("federationReplicas", 2, { min: 2, max: 5 }),
    alerting: readAlerting(config.section("alerting"), config),
    grafana: {
      minReplicas: grafanaMin,
      maxReplicas: grafana.integer("maxReplicas", Math.max(6, grafanaMin), { min: grafanaMin, max: 100 }),
      domain,
    },
    query: { minReplicas: queryMin, maxReplicas: query.integer("maxReplicas", Math.max(6, queryMin), { min: queryMin, max: 100 }) },
    database: {
      instanceClass: database.string("instanceClass", base.cloud === "aws" ? "db.t4g.medium" : "db-custom-2-7680"),
      storageGiB: database.integer("storageGiB", 50, { min: 20, max: 65536 }),
      backupRetentionDays: database.integer("backupRetentionDays", 7, { min: 7, max: 35 }),
      postgresVersion: database.string("postgresVersion", "16", { re: /^1[4-7]$/, allowed: "a PostgreSQL major version from 14 to 17" }),
    },
    ingressAllowedCidrs: config.stringList("ingressAllowedCidrs", undefined, checkRestrictedCidr,
      "a list of CIDRs allowed to reach Grafana and Thanos Query, none of them 0.0.0.0/0"),
  };
}

const RECEIVER_SECRET: Record<ReceiverSettings["type"], string> = {
  slack: "the Slack incoming-webhook URL",
  pagerduty: "the PagerDuty Events v2 routing key",
  webhook: "the webhook URL",
};

const RESERVED_RECEIVERS: readonly string[] = Object.values(BUILT_IN_RECEIVERS);

/** `root` reads the secret keys receivers name: their values stay out of the config object, only their presence is checked. */
function readAlerting(alerting: ConfigReader, root: ConfigReader): AlertingSettings {
  const receivers = alerting.objectList("receivers", readReceiver);
  const names = new Set<string>();
  receivers.forEach((r, i) => {
    if (RESERVED_RECEIVERS.includes(r.name)) alerting.fail(`receivers[${i}].name`, r.name, `a name other than ${RESERVED_RECEIVERS.join(" and ")} (the stack's own receivers)`);
    if (names.has(r.name)) alerting.fail(`receivers[${i}].name`, r.name, "a receiver name not used by another receiver");
    names.add(r.name);
    if (!root.has(r.secretKey)) {
      root.fail(r.secretKey, undefined, `${RECEIVER_SECRET[r.type]} of receiver '${r.name}', set with: pulumi config set --secret ${r.secretKey} <value>`);
    }
  });
  const known = (name: string) => (names.has(name) ? undefined : `one of the receivers: ${[...names].join(", ") || "(none configured)"}`);
  const defaultReceiver = alerting.string("defaultReceiver", receivers[0]?.name ?? "");
  const problem = known(defaultReceiver);
  if (problem) alerting.fail("defaultReceiver", defaultReceiver, problem);
  const routes = alerting.objectList("routes", (route) => {
    const receiver = route.requireString("receiver");
    const routeProblem = known(receiver);
    if (routeProblem) route.fail("receiver", receiver, routeProblem);
    return {
      receiver,
      matchers: route.stringList("matchers", [], (m) => (/^[a-zA-Z_][a-zA-Z0-9_]*\s*(=~|!~|!=|=)\s*"[^"]*"$/.test(m) ? undefined : 'a matcher such as severity="critical"')),
      continue: route.boolean("continue", false),
    };
  });
  const replicas = alerting.integer("replicas", 3, { min: 3, max: 9 });
  if (replicas % 2 === 0) alerting.fail("replicas", replicas, "an odd number of at least 3 (a gossip mesh needs a majority)");
  return {
    replicas,
    heartbeat: alerting.has("heartbeat") ? readHeartbeat(alerting.section("heartbeat"), root) : undefined,
    defaultReceiver,
    receivers,
    routes,
    groupBy: alerting.stringList("groupBy", ["alertname", "cluster", "service"]),
    groupWait: alerting.duration("groupWait", "30s"),
    groupInterval: alerting.duration("groupInterval", "5m"),
    repeatInterval: alerting.duration("repeatInterval", "4h"),
  };
}

const HEARTBEAT_SECRET: Record<HeartbeatSettings["type"], string> = {
  webhook: "the heartbeat's ping URL",
  opsgenie: "the Opsgenie API key the heartbeat pings with",
};

function readHeartbeat(heartbeat: ConfigReader, root: ConfigReader): HeartbeatSettings {
  const type = heartbeat.oneOf("type", HEARTBEAT_TYPES);
  const secretKey = heartbeat.string("secretKey", "", { re: /^[a-zA-Z][a-zA-Z0-9]*$/, allowed: "the name of a secret config key holding the heartbeat URL or API key" });
  if (!root.has(secretKey)) root.fail(secretKey, undefined, `${HEARTBEAT_SECRET[type]}, set with: pulumi config set --secret ${secretKey} <value>`);
  return {
    type,
    secretKey,
    // Alertmanager resends the Watchdog at most this often; the heartbeat service should allow a few missed.
    interval: heartbeat.duration("interval", "1m", { minSeconds: 30 }),
    name: type === "opsgenie" ? heartbeat.requireString("name", "the name of the Opsgenie heartbeat") : undefined,
    apiUrl: type === "opsgenie" ? heartbeat.string("apiUrl", "https://api.opsgenie.com", { re: /^https:\/\/[a-z0-9.-]+$/, allowed: "an https:// base URL such as https://api.eu.opsgenie.com" }) : undefined,
  };
}

function readReceiver(receiver: ConfigReader): ReceiverSettings {
  const type = receiver.oneOf("type", RECEIVER_TYPES);
  return {
    name: receiver.string("name", "", { re: /^[a-zA-Z0-9_-]+$/, allowed: "a receiver name of letters, digits, _ and -" }),
    type,
    secretKey: receiver.string("secretKey", "", { re: /^[a-zA-Z][a-zA-Z0-9]*$/, allowed: "the name of a secret config key holding the receiver's URL or key" }),
    channel: type === "slack" ? receiver.string("channel", "#alerts", { re: /^[#@][\w-]+$/, allowed: "a Slack channel such as #alerts" }) : undefined,
  };
}

function checkRestrictedCidr(cidr: string): string | undefined {
  const m = CIDR.exec(cidr);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) return "CIDRs such as 203.0.113.0/24";
  if (Number(m[5]) === 0) return "restricted CIDRs: 0.0.0.0/0 opens the endpoint to the whole internet";
  return undefined;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
