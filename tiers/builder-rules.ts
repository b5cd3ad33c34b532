/**
 * Rules on a stack's config that need what the builders make of it (the cloud's address plan, the sizing plan,
 * the program's own scrape jobs and alerts). They live here, above config and builders, so that config imports nothing above it:
 * `loadStackConfig` runs them after its own rules, and every mistake still comes in one ConfigError.
 */
import { PLATFORM_TRAITS } from "../builders/cloud/platforms";
import { federationAlertNames } from "../builders/federation/rules";
import { prometheusConfig } from "../builders/prometheus/config";
import { regionalPlan, regionalPrometheusParams } from "../builders/regional/plan";
import { regionalAlertNames } from "../builders/regional/workload-config";
import { GUARD_ALERTS } from "../builders/rules/guards";
import { MAX_SERIES_PER_SHARD } from "../builders/sizing";
import type { MachineType } from "../config/cloud/traits";
import { CLOUD_TRAITS, type Cloud, machineTypeOf } from "../config/clouds";
import { closestNames } from "../config/issues";
import { quantity } from "../config/quantity";
import type { RuleContext, StackRule } from "../config/rule-runner";
import { regionalRule } from "../config/rules";
import { MAX_SHARDS } from "../config/schema";
import type { RegionalStackConfig, StackConfig } from "../config/types";
import { SIZING_RULES } from "./sizing-rules";

/** The cloud's address plan of `cluster.vpcCidr` holds the most nodes the stack may scale to. */
function nodeAddresses({ cluster, cloud }: StackConfig, { fail }: RuleContext): void {
  PLATFORM_TRAITS[cloud].checkNodeAddresses(cluster, machineTypeOf(cloud, cluster.nodes.machineType)!, fail);
}

/** `alerts.disabled` names default alerts of the stack's own tier, and none that guards against silent loss. */
function disabledAlerts(config: StackConfig, { fail }: RuleContext): void {
  const known = config.tier === "regional" ? regionalAlertNames() : federationAlertNames();
  const guarded = GUARD_ALERTS.filter((name) => known.includes(name));
  config.alerts.disabled.forEach((name, i) => {
    const path = ["alerts", "disabled", i];
    if (guarded.includes(name)) {
      fail(
        path,
        `any default alert but ${guarded.join(", ")}: these prove that alerts are delivered or warn before data or access is lost`,
      );
    }
    if (!known.includes(name)) {
      const close = closestNames(name, known, 3).map((n) => `'${n}'`);
      fail(
        path,
        `the name of a default alert of a ${config.tier} stack${close.length > 0 ? ` such as ${close.join(", ")} (the closest names)` : ""}; docs/runbooks.md lists them all`,
      );
    }
  });
}

function automaticShards(config: RegionalStackConfig, { fail }: RuleContext): void {
  const { targets, seriesPerTarget } = config.load;
  const totalSeries = targets * seriesPerTarget;
  if (config.prometheus.shards === "auto" && totalSeries > MAX_SHARDS * MAX_SERIES_PER_SHARD) {
    fail(
      ["expectedLoad", "targets"],
      `a load of at most ${MAX_SHARDS * MAX_SERIES_PER_SHARD} series (${MAX_SHARDS} shards of ${MAX_SERIES_PER_SHARD}), but ${targets} targets x ${seriesPerTarget} series per target is ${totalSeries}`,
    );
  }
}

function staticJobs(config: RegionalStackConfig, { fail }: RuleContext): void {
  const { sizing } = regionalPlan(config);
  // A retiring shard keeps a number the shard count no longer uses, so its hashmod share is empty.
  config.prometheus.retiringShards.forEach((shard, i) => {
    if (shard < sizing.shards || config.prometheus.retiringShards.indexOf(shard) !== i) {
      fail(
        ["prometheus", "retiringShards", i],
        `a shard number from ${sizing.shards} to ${MAX_SHARDS - 1} listed once: shards 0 to ${sizing.shards - 1} are active (prometheus.shards is ${config.prometheus.shards})`,
      );
    }
  });

  const seen = new Set<string>();
  config.prometheus.staticJobs.forEach((job, i) => {
    if (seen.has(job.job)) fail(["prometheus", "staticJobs", i, "job"], "a job name not used by another static job");
    seen.add(job.job);
    if (job.shard !== undefined && job.shard >= sizing.shards) {
      fail(
        ["prometheus", "staticJobs", i, "shard"],
        `a shard from 0 to ${sizing.shards - 1} (prometheus.shards is ${config.prometheus.shards}${config.prometheus.shards === "auto" ? `, which the expected load makes ${sizing.shards}` : ""})`,
      );
    }
  });
}

/**
 * Prometheus refuses a config with two jobs of one name: a static job cannot take a name the program's own
 * jobs have, which are read off the config the builders make for the region's first shard.
 */
function staticJobNamesOfTheirOwn(config: RegionalStackConfig, { fail }: RuleContext): void {
  const ownConfig = { ...config, prometheus: { ...config.prometheus, staticJobs: [] } };
  const ownJobs = prometheusConfig(
    regionalPrometheusParams(ownConfig, regionalPlan(ownConfig), config.cluster.name, 0, "0"),
  ).scrape_configs.map((j) => j.job_name);
  config.prometheus.staticJobs.forEach((job, i) => {
    if (ownJobs.includes(job.job))
      fail(
        ["prometheus", "staticJobs", i, "job"],
        `a job name the program's own jobs do not use (${ownJobs.join(", ")})`,
      );
  });
}

/** Every node runs a node-exporter; beside it, each of these pods needs the room one node has left. */
function podsFitOneNode(config: RegionalStackConfig, { fail }: RuleContext): void {
  const { sizing } = regionalPlan(config);
  const machine = machineTypeOf(config.cloud, config.cluster.nodes.machineType)!;
  const overridden =
    config.prometheus.overrides.memory || config.prometheus.overrides.cpu ? ", prometheus.overrides included" : "";
  const pods = [
    {
      what: "Prometheus pod",
      containers: [sizing.prometheus, sizing.sidecar],
      load: `${sizing.seriesPerShard} series per shard${overridden}`,
      remedy: "more prometheus.shards",
    },
    {
      what: "Thanos Store Gateway pod",
      containers: [sizing.storeGateway],
      load: `${sizing.totalSeries} series in the region`,
      remedy: "a smaller expectedLoad",
    },
    {
      what: "Thanos Compactor pod",
      containers: [sizing.compactor],
      load: `${sizing.totalSeries} series in the region`,
      remedy: "a smaller expectedLoad",
    },
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
    fail(
      ["cluster", "nodes", "machineType"],
      `a machine type whose node holds one ${pod.what} and a node-exporter, which request ${gib(need.memoryBytes)} GiB and ${need.cpuCores.toFixed(2)} cores ` +
        `(${pod.load}) where one ${config.cluster.nodes.machineType} node offers ${gib(offer.memoryBytes)} GiB and ${offer.cpuCores.toFixed(2)} cores: ` +
        (bigger ? `${bigger} or larger, or ${pod.remedy}` : pod.remedy),
    );
  }
}

function fits(cloud: Cloud, machine: MachineType, need: { cpuCores: number; memoryBytes: number }): boolean {
  const offer = CLOUD_TRAITS[cloud].allocatable(machine);
  return need.cpuCores <= offer.cpuCores && need.memoryBytes <= offer.memoryBytes;
}

const gib = (bytes: number) => (bytes / 1024 ** 3).toFixed(1);

/** Every rule above config, for `loadStackConfig`: these, then the sizing function's refusals. */
export const BUILDER_RULES: readonly StackRule[] = [
  nodeAddresses,
  disabledAlerts,
  regionalRule(automaticShards),
  regionalRule(staticJobs),
  regionalRule(staticJobNamesOfTheirOwn),
  regionalRule(podsFitOneNode),
  ...SIZING_RULES,
];
