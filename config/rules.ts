/**
 * Rules that relate several keys, or a key and what the cloud or the sizing function make of it. They run on
 * what the schema returned, before any resource exists; each names the key a user changes to fix it.
 */
import { prometheusConfig } from "../builders/prometheus/config";
import { federationAlertNames } from "../builders/federation/rules";
import { regionalPlan, regionalPrometheusParams } from "../builders/regional/plan";
import { regionalAlertNames } from "../builders/regional/workload-config";
import { GUARD_ALERTS } from "../builders/rules/guards";
import { MAX_SERIES_PER_SHARD, sizeRegion } from "../builders/sizing";
import { CLOUDS, CLOUD_TRAITS, Cloud, machineTypeOf } from "./clouds";
import type { MachineType } from "./cloud/traits";
import { parseDuration } from "./duration";
import { ConfigError } from "./errors";
import { closestNames, keyPath, valueAt } from "./issues";
import { BUILT_IN_RECEIVERS, MAX_SHARDS } from "./schema";
import { quantity } from "./quantity";
import type { ClusterSettings, GlobalStackConfig, HeartbeatType, RegionalStackConfig, StackConfig } from "./types";
import type { RawConfig } from "./raw";

type Fail = (path: readonly PropertyKey[], allowed: string, value?: unknown) => never;


export function checkRules(config: StackConfig, input: Record<string, unknown>, raw: RawConfig): void {
  const fail: Fail = (path, allowed, value = valueAt(input, path)) => {
    // A key the stack file left out fails with the default it took.
    const defaulted = value === undefined ? valueAt(config, path[0] === "expectedLoad" ? ["load", ...path.slice(1)] : path) : undefined;
    throw new ConfigError(config.stack, keyPath(path), value ?? defaulted, allowed, defaulted === undefined ? {} : { defaulted: true });
  };
  // Keys only one cloud reads: on another they would be silently ignored.
  for (const cloud of CLOUDS) {
    for (const { path } of CLOUD_TRAITS[cloud].ownKeys) {
      if (config.cloud !== cloud && valueAt(input, path) !== undefined) {
        fail(path, `no value on ${CLOUD_TRAITS[config.cloud].nouns.withArticle} stack: ${keyPath(path)} applies only to ${CLOUD_TRAITS[cloud].nouns.name} stacks`);
      }
    }
  }
  for (const { path, requiredAs } of CLOUD_TRAITS[config.cloud].ownKeys) {
    if (requiredAs !== undefined && valueAt(config, path) === undefined) fail(path, requiredAs);
  }
  checkCluster(config.cluster, config.cloud, fail);
  checkDisabledAlerts(config, fail);
  if (config.tier === "regional") checkRegional(config, fail);
  else checkGlobal(config, input, raw, fail);
}

function checkCluster(cluster: ClusterSettings, cloud: Cloud, fail: Fail): void {
  const zones = new Set(cluster.zones);
  const twice = cluster.zones.find((zone, i) => cluster.zones.indexOf(zone) !== i);
  if (twice !== undefined) fail(["cluster", "zones"], `each zone once: '${twice}' is listed twice`);
  if (zones.size < 3) fail(["cluster", "zones"], `at least three distinct zones of the region`);
  const { minNodes, maxNodes } = cluster.nodes;
  if (maxNodes < minNodes) fail(["cluster", "nodes", "maxNodes"], `a whole number from ${minNodes} (cluster.nodes.minNodes) to 1000`);
  CLOUD_TRAITS[cloud].checkNodeAddresses(cluster, machineTypeOf(cloud, cluster.nodes.machineType)!, fail);
}

/** `alerts.disabled` names default alerts of the stack's own tier, and none that guards against silent loss. */
function checkDisabledAlerts(config: StackConfig, fail: Fail): void {
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

function checkRegional(config: RegionalStackConfig, fail: Fail): void {
  // The compactor downsamples each resolution from the one before it: a coarser one kept for less time than
  // a finer one would be deleted while its source still exists, and the long-range view would have holes.
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

  const { targets, seriesPerTarget } = config.load;
  // Prometheus fails a whole scrape when a target returns more samples than sample_limit.
  if (config.prometheus.sampleLimit < seriesPerTarget) {
    fail(["prometheus", "sampleLimit"], `a whole number from ${seriesPerTarget} (expectedLoad.seriesPerTarget) to 10000000: a target with more samples than the limit fails every scrape`);
  }
  const totalSeries = targets * seriesPerTarget;
  if (config.prometheus.shards === "auto" && totalSeries > MAX_SHARDS * MAX_SERIES_PER_SHARD) {
    fail(["expectedLoad", "targets"],
      `a load of at most ${MAX_SHARDS * MAX_SERIES_PER_SHARD} series (${MAX_SHARDS} shards of ${MAX_SERIES_PER_SHARD}), but ${targets} targets x ${seriesPerTarget} series per target is ${totalSeries}`);
  }
  const sizing = sizeRegion({ ...config.load, ...config.prometheus });

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

  // Prometheus refuses a config with two jobs of one name: a static job cannot take a name the program's own
  // jobs have, which are read off the config the builders make for the region's first shard.
  const ownConfig = { ...config, prometheus: { ...config.prometheus, staticJobs: [] } };
  const ownJobs = prometheusConfig(regionalPrometheusParams(ownConfig, regionalPlan(ownConfig), config.cluster.name, 0, "0")).scrape_configs.map((j) => j.job_name);
  config.prometheus.staticJobs.forEach((job, i) => {
    if (ownJobs.includes(job.job)) fail(["prometheus", "staticJobs", i, "job"], `a job name the program's own jobs do not use (${ownJobs.join(", ")})`);
  });

  checkSpread(config.cluster, [[["prometheus", "replicas"], config.prometheus.replicas], [["storeGatewayReplicas"], config.storeGatewayReplicas]], fail);

  // Every node runs a node-exporter; beside it, each of these pods needs the room one node has left.
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
function checkSpread(cluster: ClusterSettings, workloads: readonly [readonly PropertyKey[], number][], fail: Fail): void {
  for (const [path, replicas] of workloads) {
    if (replicas > cluster.nodes.maxNodes) {
      fail(path, `at most ${cluster.nodes.maxNodes} (cluster.nodes.maxNodes): no two replicas share a node`);
    }
  }
}

function checkGlobal(config: GlobalStackConfig, input: Record<string, unknown>, raw: RawConfig, fail: Fail): void {
  const seen = new Set<string>();
  config.regions.forEach((region, i) => {
    if (seen.has(region.name)) fail(["regions", i], `each region once: '${region.name}' is listed twice`);
    seen.add(region.name);
    if (region.name === config.stack) fail(["regions", i], "regional stacks only: the global stack cannot federate itself");
  });

  const { alerting } = config;
  const names = new Set<string>();
  alerting.receivers.forEach((receiver, i) => {
    if (names.has(receiver.name)) fail(["alerting", "receivers", i, "name"], "a receiver name not used by another receiver");
    names.add(receiver.name);
    if (receiver.type !== "slack" && valueAt(input, ["alerting", "receivers", i, "channel"]) !== undefined) {
      fail(["alerting", "receivers", i, "channel"], `no value: only slack receivers have a channel, and '${receiver.name}' is a ${receiver.type} receiver`);
    }
    requireSecret(config.stack, raw, receiver.secretKey, `${RECEIVER_SECRET[receiver.type]} of receiver '${receiver.name}'`);
  });
  const reserved: readonly string[] = Object.values(BUILT_IN_RECEIVERS);
  alerting.receivers.forEach((receiver, i) => {
    if (reserved.includes(receiver.name)) fail(["alerting", "receivers", i, "name"], `a name other than ${reserved.join(" and ")} (the stack's own receivers)`);
  });
  if (alerting.heartbeat) {
    const { type, secretKey } = alerting.heartbeat;
    const opsgenie = type === "opsgenie";
    if (opsgenie && alerting.heartbeat.name === undefined) fail(["alerting", "heartbeat", "name"], "the name of the Opsgenie heartbeat (required for type opsgenie)");
    for (const key of ["name", "apiUrl"] as const) {
      if (!opsgenie && valueAt(input, ["alerting", "heartbeat", key]) !== undefined) fail(["alerting", "heartbeat", key], "no value: only opsgenie heartbeats have one");
    }
    requireSecret(config.stack, raw, secretKey, HEARTBEAT_SECRET[type]);
  }
  const known = (name: string) => names.has(name);
  const receiversList = `one of the receivers: ${[...names].join(", ")}`;
  if (!known(alerting.defaultReceiver)) fail(["alerting", "defaultReceiver"], receiversList);
  alerting.routes.forEach((route, i) => {
    if (!known(route.receiver)) fail(["alerting", "routes", i, "receiver"], receiversList);
  });

  for (const [key, bounds] of [["grafana", config.grafana], ["query", config.query]] as const) {
    if (bounds.maxReplicas < bounds.minReplicas) fail([key, "maxReplicas"], `a whole number from ${bounds.minReplicas} (${key}.minReplicas) to 100`);
  }
  checkSpread(config.cluster, [
    [["alerting", "replicas"], alerting.replicas],
    [["federationReplicas"], config.federationReplicas],
    [["grafana", "minReplicas"], config.grafana.minReplicas],
    [["query", "minReplicas"], config.query.minReplicas],
  ], fail);
}

/** A config key a receiver or the heartbeat reads: set, and held by Pulumi as a secret. */
export function requireSecret(stack: string, raw: RawConfig, key: string, holds: string): void {
  const setWith = `pulumi config set --secret ${key} <value>`;
  if (raw.values[key] === undefined) throw new ConfigError(stack, key, undefined, `${holds}, set as a secret with: ${setWith}`);
  if (!raw.isSecret(key)) {
    throw new ConfigError(stack, key, raw.values[key], `a secret, not plain text: it holds ${holds}; set it with: ${setWith}`, {
      hidden: "a value in plain text (not shown here)",
    });
  }
}

const HEARTBEAT_SECRET: Record<HeartbeatType, string> = {
  webhook: "the heartbeat's ping URL",
  opsgenie: "the Opsgenie API key the heartbeat pings with",
};

export const RECEIVER_SECRET: Record<GlobalStackConfig["alerting"]["receivers"][number]["type"], string> = {
  slack: "the Slack incoming-webhook URL",
  pagerduty: "the PagerDuty Events v2 routing key",
  webhook: "the webhook URL",
};
