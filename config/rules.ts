/**
 * Rules that relate several keys, or a key and what the cloud makes of it. They run on what the schema
 * returned, before any resource exists; each names the key a user changes to fix it, and each reports its
 * first mistake (./rule-runner.ts runs them all and gathers what they find). Rules that need what the
 * builders make of the config live above config (tiers/builder-rules.ts) and come in through loadStackConfig.
 */
import { CLOUDS, CLOUD_TRAITS } from "./clouds";
import { parseDuration } from "./duration";
import { keyPath, valueAt } from "./paths";
import { KUBERNETES_RULES } from "./cloud/kubernetes/rules";
import { requireSecret } from "./secrets";
import type { Fail, RuleContext, StackRule } from "./rule-runner";
import { BUILT_IN_RECEIVERS, SECRET_KEY } from "./schema";
import type { GlobalStackConfig, HeartbeatType, RegionalStackConfig, StackConfig } from "./types";

/** A rule of regional stacks only. */
export function regionalRule(rule: (config: RegionalStackConfig, context: RuleContext) => void): StackRule {
  return (config, context) => {
    if (config.tier === "regional") rule(config, context);
  };
}

/** A rule of the global stack only. */
export function globalRule(rule: (config: GlobalStackConfig, context: RuleContext) => void): StackRule {
  return (config, context) => {
    if (config.tier === "global") rule(config, context);
  };
}

/** Keys only one cloud reads: on another they would be silently ignored. */
function otherCloudsKeys(config: StackConfig, { input, fail }: RuleContext): void {
  for (const cloud of CLOUDS) {
    for (const { path } of CLOUD_TRAITS[cloud].ownKeys) {
      if (config.cloud !== cloud && valueAt(input, path) !== undefined) {
        fail(
          path,
          `no value on ${CLOUD_TRAITS[config.cloud].nouns.withArticle} stack: ${keyPath(path)} applies only to ${CLOUD_TRAITS[cloud].nouns.name} stacks`,
        );
      }
    }
  }
}

function cloudRequiredKeys(config: StackConfig, { fail }: RuleContext): void {
  for (const { path, requiredAs } of CLOUD_TRAITS[config.cloud].ownKeys) {
    if (requiredAs !== undefined && valueAt(config, path) === undefined) fail(path, requiredAs);
  }
}

function clusterZones({ cluster }: StackConfig, { fail }: RuleContext): void {
  const zones = new Set(cluster.zones);
  const twice = cluster.zones.find((zone, i) => cluster.zones.indexOf(zone) !== i);
  if (twice !== undefined) fail(["cluster", "zones"], `each zone once: '${twice}' is listed twice`);
  if (zones.size < 3) fail(["cluster", "zones"], `at least three distinct zones of the region`);
}

function clusterNodes({ cluster }: StackConfig, { fail }: RuleContext): void {
  const { minNodes, maxNodes } = cluster.nodes;
  if (maxNodes < minNodes)
    fail(["cluster", "nodes", "maxNodes"], `a whole number from ${minNodes} (cluster.nodes.minNodes) to 1000`);
}

const forever = (retention: string) => parseDuration(retention) === 0;
const longest = (retention: string) => (forever(retention) ? Infinity : parseDuration(retention)!);

/**
 * The compactor downsamples each resolution from the one before it: a coarser one kept for less time than
 * a finer one would be deleted while its source still exists, and the long-range view would have holes.
 */
function bucketRetentionOrder(config: RegionalStackConfig, { fail }: RuleContext): void {
  const order = [
    ["raw", "bucketRetention.raw"],
    ["fiveMinutes", "bucketRetention.fiveMinutes"],
    ["oneHour", "bucketRetention.oneHour"],
  ] as const;
  for (let i = 1; i < order.length; i++) {
    const [finerKey, finerName] = order[i - 1];
    const [key] = order[i];
    const finer = config.bucketRetention[finerKey];
    if (longest(config.bucketRetention[key]) < longest(finer)) {
      fail(
        ["bucketRetention", key],
        forever(finer)
          ? `0d (forever), as ${finerName} is 0d: a coarser resolution is kept at least as long as a finer one`
          : `a duration of at least ${finer} (${finerName}) or 0d for forever: a coarser resolution is kept at least as long as a finer one`,
      );
    }
  }
}

/** Prometheus fails a whole scrape when a target returns more samples than sample_limit. */
function sampleLimit(config: RegionalStackConfig, { fail }: RuleContext): void {
  const { seriesPerTarget } = config.load;
  if (config.prometheus.sampleLimit < seriesPerTarget) {
    fail(
      ["prometheus", "sampleLimit"],
      `a whole number from ${seriesPerTarget} (expectedLoad.seriesPerTarget) to 10000000: a target with more samples than the limit fails every scrape`,
    );
  }
}

/**
 * Hashmod sharding spreads targets over the shards: a shard beyond the targets scrapes nothing and still
 * runs its replicas, volumes and sidecars. Static jobs pinned to a shard (functional sharding) count as
 * targets of their own.
 */
function shardsWithinTargets(config: RegionalStackConfig, { fail }: RuleContext): void {
  const { shards, staticJobs } = config.prometheus;
  const pinned = new Set(staticJobs.flatMap((job) => (job.shard === undefined ? [] : [job.shard]))).size;
  const most = config.load.targets + pinned;
  if (shards !== "auto" && shards > most) {
    fail(
      ["prometheus", "shards"],
      `auto, or a whole number from 1 to ${most} (expectedLoad.targets${pinned > 0 ? ", plus the shards static jobs are pinned to" : ""}): a shard beyond the targets scrapes nothing; raise expectedLoad.targets if the region will grow to it`,
    );
  }
}

/** Replicas of a workload never share a node (hard anti-affinity): the cluster must be able to grow to them. */
function spread(config: StackConfig, workloads: readonly [readonly PropertyKey[], number][], fail: Fail): void {
  for (const [path, replicas] of workloads) {
    if (replicas > config.cluster.nodes.maxNodes) {
      fail(path, `at most ${config.cluster.nodes.maxNodes} (cluster.nodes.maxNodes): no two replicas share a node`);
    }
  }
}

function regionalSpread(config: RegionalStackConfig, { fail }: RuleContext): void {
  spread(
    config,
    [
      [["prometheus", "replicas"], config.prometheus.replicas],
      [["storeGatewayReplicas"], config.storeGatewayReplicas],
    ],
    fail,
  );
}

function globalSpread(config: GlobalStackConfig, { fail }: RuleContext): void {
  spread(
    config,
    [
      [["alerting", "replicas"], config.alerting.replicas],
      [["federationReplicas"], config.federationReplicas],
      [["grafana", "minReplicas"], config.grafana.minReplicas],
      [["query", "minReplicas"], config.query.minReplicas],
    ],
    fail,
  );
}

function regionsOnce(config: GlobalStackConfig, { fail }: RuleContext): void {
  const seen = new Set<string>();
  config.regions.forEach((region, i) => {
    if (seen.has(region.name)) fail(["regions", i], `each region once: '${region.name}' is listed twice`);
    seen.add(region.name);
    if (region.name === config.stack)
      fail(["regions", i], "regional stacks only: the global stack cannot federate itself");
  });
}

function receivers({ stack, alerting }: GlobalStackConfig, { input, raw, fail }: RuleContext): void {
  const names = new Set<string>();
  alerting.receivers.forEach((receiver, i) => {
    if (names.has(receiver.name))
      fail(["alerting", "receivers", i, "name"], "a receiver name not used by another receiver");
    names.add(receiver.name);
    if (receiver.type !== "slack" && valueAt(input, ["alerting", "receivers", i, "channel"]) !== undefined) {
      fail(
        ["alerting", "receivers", i, "channel"],
        `no value: only slack receivers have a channel, and '${receiver.name}' is a ${receiver.type} receiver`,
      );
    }
    requireSecret(stack, raw, receiver.secretKey, `${RECEIVER_SECRET[receiver.type]} of receiver '${receiver.name}'`);
  });
  const reserved: readonly string[] = Object.values(BUILT_IN_RECEIVERS);
  alerting.receivers.forEach((receiver, i) => {
    if (reserved.includes(receiver.name))
      fail(
        ["alerting", "receivers", i, "name"],
        `a name other than ${reserved.join(" and ")} (the stack's own receivers)`,
      );
  });
}

function heartbeat({ stack, alerting }: GlobalStackConfig, { input, raw, fail }: RuleContext): void {
  if (!alerting.heartbeat) return;
  const { type, secretKey } = alerting.heartbeat;
  const opsgenie = type === "opsgenie";
  if (opsgenie && alerting.heartbeat.name === undefined)
    fail(["alerting", "heartbeat", "name"], "the name of the Opsgenie heartbeat (required for type opsgenie)");
  for (const key of ["name", "apiUrl"] as const) {
    if (!opsgenie && valueAt(input, ["alerting", "heartbeat", key]) !== undefined)
      fail(["alerting", "heartbeat", key], "no value: only opsgenie heartbeats have one");
  }
  requireSecret(stack, raw, secretKey, HEARTBEAT_SECRET[type]);
}

function receiversRoutedTo({ alerting }: GlobalStackConfig, { fail }: RuleContext): void {
  const names = alerting.receivers.map((r) => r.name);
  const receiversList = `one of the receivers: ${[...new Set(names)].join(", ")}`;
  if (!names.includes(alerting.defaultReceiver)) fail(["alerting", "defaultReceiver"], receiversList);
  alerting.routes.forEach((route, i) => {
    if (!names.includes(route.receiver)) fail(["alerting", "routes", i, "receiver"], receiversList);
  });
}

function scalingBounds(config: GlobalStackConfig, { fail }: RuleContext): void {
  for (const [key, bounds] of [
    ["grafana", config.grafana],
    ["query", config.query],
  ] as const) {
    if (bounds.maxReplicas < bounds.minReplicas)
      fail([key, "maxReplicas"], `a whole number from ${bounds.minReplicas} (${key}.minReplicas) to 100`);
  }
}

/**
 * Grafana reads the OAuth client secret from a Kubernetes Secret, filled from the secret config key
 * grafana.sso.secretKey names. Read from the stack file: a provider with other mistakes still names its
 * secret, and a secret in plain text is said in the same run.
 */
function grafanaClientSecret({ stack }: GlobalStackConfig, { input, raw }: RuleContext): void {
  const secretKey = valueAt(input, ["grafana", "sso", "secretKey"]);
  if (typeof secretKey === "string" && SECRET_KEY.test(secretKey))
    requireSecret(stack, raw, secretKey, "Grafana's OAuth client secret (grafana.sso.secretKey)");
}

/** The rules between the stack's keys, the teams' excepted (./teams-rules.ts). */
export const STACK_RULES: readonly StackRule[] = [
  otherCloudsKeys,
  cloudRequiredKeys,
  clusterZones,
  clusterNodes,
  ...KUBERNETES_RULES,
  regionalRule(bucketRetentionOrder),
  regionalRule(sampleLimit),
  regionalRule(shardsWithinTargets),
  regionalRule(regionalSpread),
  globalRule(regionsOnce),
  globalRule(receivers),
  globalRule(heartbeat),
  globalRule(receiversRoutedTo),
  globalRule(scalingBounds),
  globalRule(globalSpread),
  globalRule(grafanaClientSecret),
];

const HEARTBEAT_SECRET: Record<HeartbeatType, string> = {
  webhook: "the heartbeat's ping URL",
  opsgenie: "the Opsgenie API key the heartbeat pings with",
};

export const RECEIVER_SECRET: Record<GlobalStackConfig["alerting"]["receivers"][number]["type"], string> = {
  slack: "the Slack incoming-webhook URL",
  pagerduty: "the PagerDuty Events v2 routing key",
  webhook: "the webhook URL",
};
