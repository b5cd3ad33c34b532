/**
 * Rules that relate several keys, or a key and what the cloud or the sizing function make of it. They run on
 * what the schema returned, before any resource exists; each names the key a user changes to fix it, and
 * each reports its first mistake (./rule-runner.ts runs them all and gathers what they find).
 */
import { prometheusConfig } from "../builders/prometheus/config";
import { federationAlertNames } from "../builders/federation/rules";
import { regionalPlan, regionalPrometheusParams } from "../builders/regional/plan";
import { regionalAlertNames } from "../builders/regional/workload-config";
import { GUARD_ALERTS } from "../builders/rules/guards";
import { MAX_SERIES_PER_SHARD } from "../builders/sizing";
import { CLOUDS, CLOUD_TRAITS, Cloud, machineTypeOf } from "./clouds";
import type { MachineType } from "./cloud/traits";
import { parseDuration } from "./duration";
import { closestNames } from "./issues";
import { keyPath, valueAt } from "./paths";
import { KUBERNETES_RULES } from "./cloud/kubernetes/rules";
import { requireSecret } from "./secrets";
import type { Fail, RuleContext, StackRule } from "./rule-runner";
import { BUILT_IN_RECEIVERS, MAX_SHARDS } from "./schema";
import { quantity } from "./quantity";
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
        fail(path, `no value on ${CLOUD_TRAITS[config.cloud].nouns.withArticle} stack: ${keyPath(path)} applies only to ${CLOUD_TRAITS[cloud].nouns.name} stacks`);
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

function clusterNodes({ cluster, cloud }: StackConfig, { fail }: RuleContext): void {
  const { minNodes, maxNodes } = cluster.nodes;
  if (maxNodes < minNodes) fail(["cluster", "nodes", "maxNodes"], `a whole number from ${minNodes} (cluster.nodes.minNodes) to 1000`);
  CLOUD_TRAITS[cloud].checkNodeAddresses(cluster, machineTypeOf(cloud, cluster.nodes.machineType)!, fail);
}

/** `alerts.disabled` names default alerts of the stack's own tier, and none that guards against silent loss. */
function disabledAlerts(config: StackConfig, { fail }: RuleContext): void {
  const known = config.tier === "regional" ? regionalAlertNames() : federationAlertNames();
  const guarded = GUARD_ALERTS.filter((name) => known.includes(name));
  config.alerts.disabled.forEach((name, i) => {
    const path = ["alerts", "disabled", i];
    if (guarded.includes(name)) {
      fail(path, `any default alert but ${guarded.join(", ")}: these prove that alerts are delivered or warn before data or access is lost`);
    }
    if (!known.includes(name)) {
      const close = closestNames(name, known, 3).map((n) => `'${n}'`);
      fail(path, `the name of a default alert of a ${config.tier} stack${close.length > 0 ? ` such as ${close.join(", ")} (the closest names)` : ""}; docs/runbooks.md lists them all`);
    }
  });
}

const forever = (retention: string) => parseDuration(retention) === 0;
const longest = (retention: string) => (forever(retention) ? Infinity : parseDuration(retention)!);

/**
 * The compactor downsamples each resolution from the one before it: a coarser one kept for less time than
 * a finer one would be deleted while its source still exists, and the long-range view would have holes.
 */
function bucketRetentionOrder(config: RegionalStackConfig, { fail }: RuleContext): void {
  const order = [["raw", "bucketRetention.raw"], ["fiveMinutes", "bucketRetention.fiveMinutes"], ["oneHour", "bucketRetention.oneHour"]] as const;
  for (let i = 1; i < order.length; i++) {
    const [finerKey, finerName] = order[i - 1];
    const [key] = order[i];
    const finer = config.bucketRetention[finerKey];
    if (longest(config.bucketRetention[key]) < longest(finer)) {
      fail(["bucketRetention", key], forever(finer)
        ? `0d (forever), as ${finerName} is 0d: a coarser resolution is kept at least as long as a finer one`
        : `a duration of at least ${finer} (${finerName}) or 0d for forever: a coarser resolution is kept at least as long as a finer one`);
    }
  }
}

/** Prometheus fails a whole scrape when a target returns more samples than sample_limit. */
function sampleLimit(config: RegionalStackConfig, { fail }: RuleContext): void {
  const { seriesPerTarget } = config.load;
  if (config.prometheus.sampleLimit < seriesPerTarget) {
    fail(["prometheus", "sampleLimit"], `a whole number from ${seriesPerTarget} (expectedLoad.seriesPerTarget) to 10000000: a target with more samples than the limit fails every scrape`);
  }
}

function automaticShards(config: RegionalStackConfig, { fail }: RuleContext): void {
  const { targets, seriesPerTarget } = config.load;
  const totalSeries = targets * seriesPerTarget;
  if (config.prometheus.shards === "auto" && totalSeries > MAX_SHARDS * MAX_SERIES_PER_SHARD) {
    fail(["expectedLoad", "targets"],
      `a load of at most ${MAX_SHARDS * MAX_SERIES_PER_SHARD} series (${MAX_SHARDS} shards of ${MAX_SERIES_PER_SHARD}), but ${targets} targets x ${seriesPerTarget} series per target is ${totalSeries}`);
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
    fail(["prometheus", "shards"],
      `auto, or a whole number from 1 to ${most} (expectedLoad.targets${pinned > 0 ? ", plus the shards static jobs are pinned to" : ""}): a shard beyond the targets scrapes nothing; raise expectedLoad.targets if the region will grow to it`);
  }
}

function staticJobs(config: RegionalStackConfig, { fail }: RuleContext): void {
  const { sizing } = regionalPlan(config);
  // A retiring shard keeps a number the shard count no longer uses, so its hashmod share is empty.
  config.prometheus.retiringShards.forEach((shard, i) => {
    if (shard < sizing.shards || config.prometheus.retiringShards.indexOf(shard) !== i) {
      fail(["prometheus", "retiringShards", i],
        `a shard number from ${sizing.shards} to ${MAX_SHARDS - 1} listed once: shards 0 to ${sizing.shards - 1} are active (prometheus.shards is ${config.prometheus.shards})`);
    }
  });

  const seen = new Set<string>();
  config.prometheus.staticJobs.forEach((job, i) => {
    if (seen.has(job.job)) fail(["prometheus", "staticJobs", i, "job"], "a job name not used by another static job");
    seen.add(job.job);
    if (job.shard !== undefined && job.shard >= sizing.shards) {
      fail(["prometheus", "staticJobs", i, "shard"],
        `a shard from 0 to ${sizing.shards - 1} (prometheus.shards is ${config.prometheus.shards}${config.prometheus.shards === "auto" ? `, which the expected load makes ${sizing.shards}` : ""})`);
    }
  });
}

/**
 * Prometheus refuses a config with two jobs of one name: a static job cannot take a name the program's own
 * jobs have, which are read off the config the builders make for the region's first shard.
 */
function staticJobNamesOfTheirOwn(config: RegionalStackConfig, { fail }: RuleContext): void {
  const ownConfig = { ...config, prometheus: { ...config.prometheus, staticJobs: [] } };
  const ownJobs = prometheusConfig(regionalPrometheusParams(ownConfig, regionalPlan(ownConfig), config.cluster.name, 0, "0")).scrape_configs.map((j) => j.job_name);
  config.prometheus.staticJobs.forEach((job, i) => {
    if (ownJobs.includes(job.job)) fail(["prometheus", "staticJobs", i, "job"], `a job name the program's own jobs do not use (${ownJobs.join(", ")})`);
  });
}

/** Every node runs a node-exporter; beside it, each of these pods needs the room one node has left. */
function podsFitOneNode(config: RegionalStackConfig, { fail }: RuleContext): void {
  const { sizing } = regionalPlan(config);
  const machine = machineTypeOf(config.cloud, config.cluster.nodes.machineType)!;
  const overridden = config.prometheus.overrides.memory || config.prometheus.overrides.cpu ? ", prometheus.overrides included" : "";
  const pods = [
    { what: "Prometheus pod", containers: [sizing.prometheus, sizing.sidecar], load: `${sizing.seriesPerShard} series per shard${overridden}`, remedy: "more prometheus.shards" },
    { what: "Thanos Store Gateway pod", containers: [sizing.storeGateway], load: `${sizing.totalSeries} series in the region`, remedy: "a smaller expectedLoad" },
    { what: "Thanos Compactor pod", containers: [sizing.compactor], load: `${sizing.totalSeries} series in the region`, remedy: "a smaller expectedLoad" },
  ];
  for (const pod of pods) {
    const containers = [...pod.containers, sizing.nodeExporter];
    const need = {
      cpuCores: containers.reduce((sum, c) => sum + quantity(c.cpuRequest), 0),
      memoryBytes: containers.reduce((sum, c) => sum + quantity(c.memoryRequest), 0),
    };
    if (fits(config.cloud, machine, need)) continue;
    const bigger = Object.entries(CLOUD_TRAITS[config.cloud].machineTypes)
      .filter(([, m]) => fits(config.cloud, m, need))
      .sort(([, a], [, b]) => a.memoryGiB - b.memoryGiB || a.vcpu - b.vcpu)[0]?.[0];
    const offer = CLOUD_TRAITS[config.cloud].allocatable(machine);
    fail(["cluster", "nodes", "machineType"],
      `a machine type whose node holds one ${pod.what} and a node-exporter, which request ${gib(need.memoryBytes)} GiB and ${need.cpuCores.toFixed(2)} cores ` +
        `(${pod.load}) where one ${config.cluster.nodes.machineType} node offers ${gib(offer.memoryBytes)} GiB and ${offer.cpuCores.toFixed(2)} cores: ` +
        (bigger ? `${bigger} or larger, or ${pod.remedy}` : pod.remedy));
  }
}

function fits(cloud: Cloud, machine: MachineType, need: { cpuCores: number; memoryBytes: number }): boolean {
  const offer = CLOUD_TRAITS[cloud].allocatable(machine);
  return need.cpuCores <= offer.cpuCores && need.memoryBytes <= offer.memoryBytes;
}

const gib = (bytes: number) => (bytes / 1024 ** 3).toFixed(1);

/** Replicas of a workload never share a node (hard anti-affinity): the cluster must be able to grow to them. */
function spread(config: StackConfig, workloads: readonly [readonly PropertyKey[], number][], fail: Fail): void {
  for (const [path, replicas] of workloads) {
    if (replicas > config.cluster.nodes.maxNodes) {
      fail(path, `at most ${config.cluster.nodes.maxNodes} (cluster.nodes.maxNodes): no two replicas share a node`);
    }
  }
}

function regionalSpread(config: RegionalStackConfig, { fail }: RuleContext): void {
  spread(config, [[["prometheus", "replicas"], config.prometheus.replicas], [["storeGatewayReplicas"], config.storeGatewayReplicas]], fail);
}

function globalSpread(config: GlobalStackConfig, { fail }: RuleContext): void {
  spread(config, [
    [["alerting", "replicas"], config.alerting.replicas],
    [["federationReplicas"], config.federationReplicas],
    [["grafana", "minReplicas"], config.grafana.minReplicas],
    [["query", "minReplicas"], config.query.minReplicas],
  ], fail);
}

function regionsOnce(config: GlobalStackConfig, { fail }: RuleContext): void {
  const seen = new Set<string>();
  config.regions.forEach((region, i) => {
    if (seen.has(region.name)) fail(["regions", i], `each region once: '${region.name}' is listed twice`);
    seen.add(region.name);
    if (region.name === config.stack) fail(["regions", i], "regional stacks only: the global stack cannot federate itself");
  });
}

function receivers({ stack, alerting }: GlobalStackConfig, { input, raw, fail }: RuleContext): void {
  const names = new Set<string>();
  alerting.receivers.forEach((receiver, i) => {
    if (names.has(receiver.name)) fail(["alerting", "receivers", i, "name"], "a receiver name not used by another receiver");
    names.add(receiver.name);
    if (receiver.type !== "slack" && valueAt(input, ["alerting", "receivers", i, "channel"]) !== undefined) {
      fail(["alerting", "receivers", i, "channel"], `no value: only slack receivers have a channel, and '${receiver.name}' is a ${receiver.type} receiver`);
    }
    requireSecret(stack, raw, receiver.secretKey, `${RECEIVER_SECRET[receiver.type]} of receiver '${receiver.name}'`);
  });
  const reserved: readonly string[] = Object.values(BUILT_IN_RECEIVERS);
  alerting.receivers.forEach((receiver, i) => {
    if (reserved.includes(receiver.name)) fail(["alerting", "receivers", i, "name"], `a name other than ${reserved.join(" and ")} (the stack's own receivers)`);
  });
}

function heartbeat({ stack, alerting }: GlobalStackConfig, { input, raw, fail }: RuleContext): void {
  if (!alerting.heartbeat) return;
  const { type, secretKey } = alerting.heartbeat;
  const opsgenie = type === "opsgenie";
  if (opsgenie && alerting.heartbeat.name === undefined) fail(["alerting", "heartbeat", "name"], "the name of the Opsgenie heartbeat (required for type opsgenie)");
  for (const key of ["name", "apiUrl"] as const) {
    if (!opsgenie && valueAt(input, ["alerting", "heartbeat", key]) !== undefined) fail(["alerting", "heartbeat", key], "no value: only opsgenie heartbeats have one");
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
  for (const [key, bounds] of [["grafana", config.grafana], ["query", config.query]] as const) {
    if (bounds.maxReplicas < bounds.minReplicas) fail([key, "maxReplicas"], `a whole number from ${bounds.minReplicas} (${key}.minReplicas) to 100`);
  }
}

/** The rules between the stack's keys, the teams' excepted (./teams-rules.ts). */
export const STACK_RULES: readonly StackRule[] = [
  otherCloudsKeys,
  cloudRequiredKeys,
  clusterZones,
  clusterNodes,
  ...KUBERNETES_RULES,
  disabledAlerts,
  regionalRule(bucketRetentionOrder),
  regionalRule(sampleLimit),
  regionalRule(automaticShards),
  regionalRule(shardsWithinTargets),
  regionalRule(staticJobs),
  regionalRule(staticJobNamesOfTheirOwn),
  regionalRule(regionalSpread),
  regionalRule(podsFitOneNode),
  globalRule(regionsOnce),
  globalRule(receivers),
  globalRule(heartbeat),
  globalRule(receiversRoutedTo),
  globalRule(scalingBounds),
  globalRule(globalSpread),
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
