import type { PrometheusPodRef } from "../../contracts/regional-outputs";
import type { RegionalStackConfig } from "../../config/types";
import { PrometheusConfigParams } from "../prometheus/config";
import { SCRAPE_JOBS } from "../prometheus/scrape-jobs";
import { RegionalSizing, sizeRegion } from "../sizing";
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
  readonly shards: number;
  readonly replicas: number;
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
  const pods: PrometheusPodRef[] = [];
  for (let shard = 0; shard < shards; shard++) {
    for (let replica = 0; replica < config.prometheus.replicas; replica++) {
      pods.push({ podName: prometheusPodName(shard, replica), shard, replica });
    }
  }
  return {
    region: config.stack,
    shards,
    replicas: config.prometheus.replicas,
    pods,
    sizing,
    tlsServerName: tlsServerName(config.stack),
    alertingUsername: alertingUsername(config.stack),
  };
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
    position: { shard, shards: plan.shards },
    replica,
    scrapeInterval: config.prometheus.scrapeInterval,
    evaluationInterval: config.prometheus.evaluationInterval,
    sampleLimit: config.prometheus.sampleLimit,
    labelLimit: config.prometheus.labelLimit,
    staticJobs: config.prometheus.staticJobs,
    federationUsername: FEDERATION_USERNAME,
    tlsServerName: plan.tlsServerName,
    alertingUsername: plan.alertingUsername,
    alertmanagerServerName: ALERTMANAGER_TLS_SERVER_NAME,
  };
}

/** The job names the stack's alerts select on, as the scrape jobs set them. */
export const STACK_JOBS = { sidecar: SCRAPE_JOBS.sidecar, storeGateway: NAMES.storeGateway, compactor: NAMES.compactor } as const;
