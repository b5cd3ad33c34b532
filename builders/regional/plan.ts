import type { PrometheusPodRef } from "../../contracts/regional-outputs";
import type { RegionalStackConfig } from "../../config/types";
import type { PrometheusConfigParams } from "../prometheus/config";
import { SCRAPE_JOBS } from "../prometheus/scrape-jobs";
import type { StackJobs } from "../rules/alerts";
import { type RegionalSizing, sizeRegion } from "../sizing";
import {
  ALERTMANAGER_TLS_SERVER_NAME,
  FEDERATION_USERNAME,
  NAMES,
  alertingUsername,
  prometheusPodName,
  tlsServerName,
} from "./layout";

/** What a region's config turns into before any object exists: shard count, pods and their sizes. */
export interface RegionalPlan {
  readonly region: string;
  /** Active shards, 0 to shards - 1: they split the targets by hashmod. */
  readonly shards: number;
  /** Shards taken out of the count that stay deployed, with no target, until their blocks are uploaded. */
  readonly retiringShards: readonly number[];
  readonly replicas: number;
  /** Every pod of the active and the retiring shards: each serves its StoreAPI and /federate until deleted. */
  readonly pods: readonly PrometheusPodRef[];
  readonly sizing: RegionalSizing;
  readonly tlsServerName: string;
  readonly alertingUsername: string;
}

export function regionalPlan(config: RegionalStackConfig): RegionalPlan {
  const sizing = sizeRegion({
    targets: config.load.targets,
    seriesPerTarget: config.load.seriesPerTarget,
    scrapeInterval: config.prometheus.scrapeInterval,
    retention: config.prometheus.retention,
    shards: config.prometheus.shards,
    overrides: config.prometheus.overrides,
  });
  // Config validation keeps static jobs on shards the sizing gives the region.
  const shards = sizing.shards;
  const retiringShards = config.prometheus.retiringShards;
  const pods: PrometheusPodRef[] = [];
  for (const shard of deployedShards({ shards, retiringShards })) {
    for (let replica = 0; replica < config.prometheus.replicas; replica++) {
      pods.push({ podName: prometheusPodName(shard, replica), shard, replica });
    }
  }
  return {
    region: config.stack,
    shards,
    retiringShards,
    replicas: config.prometheus.replicas,
    pods,
    sizing,
    tlsServerName: tlsServerName(config.stack),
    alertingUsername: alertingUsername(config.stack),
  };
}

/** Every shard that has a StatefulSet: the active ones, then the retiring ones. */
export function deployedShards(plan: Pick<RegionalPlan, "shards" | "retiringShards">): number[] {
  return [...Array.from({ length: plan.shards }, (_, shard) => shard), ...plan.retiringShards];
}

/** The Prometheus config parameters of one shard of a region; `replica` is the replica label's value. */
export function regionalPrometheusParams(
  config: RegionalStackConfig,
  plan: RegionalPlan,
  clusterName: string,
  shard: number,
  replica: string,
): PrometheusConfigParams {
  return {
    region: config.stack,
    cloud: config.cloud,
    cluster: clusterName,
    position: { shard, shards: plan.shards, retiring: plan.retiringShards.includes(shard) },
    replica,
    scrapeInterval: config.prometheus.scrapeInterval,
    evaluationInterval: config.prometheus.evaluationInterval,
    sampleLimit: config.prometheus.sampleLimit,
    labelLimit: config.prometheus.labelLimit,
    nativeHistograms: config.prometheus.nativeHistograms,
    staticJobs: config.prometheus.staticJobs,
    teams: config.teams,
    federationUsername: FEDERATION_USERNAME,
    tlsServerName: plan.tlsServerName,
    alertingUsername: plan.alertingUsername,
    alertmanagerServerName: ALERTMANAGER_TLS_SERVER_NAME,
  };
}

/** The job names the stack's alerts select on, as the scrape jobs set them (the Thanos job names each pod by its workload). */
export const STACK_JOBS: StackJobs = {
  prometheus: SCRAPE_JOBS.prometheus,
  sidecar: SCRAPE_JOBS.sidecar,
  storeGateway: NAMES.storeGateway,
  compactor: NAMES.compactor,
  kubelet: SCRAPE_JOBS.kubelet,
  cadvisor: SCRAPE_JOBS.cadvisor,
  nodeExporter: SCRAPE_JOBS.nodeExporter,
  kubeStateMetrics: SCRAPE_JOBS.kubeStateMetrics,
};
