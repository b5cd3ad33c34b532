import { parseDuration } from "../../config/duration";
import { WATCHDOG_ALERT } from "../alertmanager/config";
import { kubernetesAlerts } from "./kubernetes";
import { nodeAlerts } from "./node";
import { prometheusAlerts } from "./prometheus";
import { thanosAlerts } from "./thanos";
import type { AlertingRule, RuleFile } from "./types";

/** Job names the alerts select on; the scrape jobs of builders/prometheus set them. */
export interface StackJobs {
  readonly prometheus: string;
  readonly sidecar: string;
  readonly storeGateway: string;
  readonly compactor: string;
  readonly kubelet: string;
  readonly cadvisor: string;
  readonly nodeExporter: string;
  readonly kubeStateMetrics: string;
}

/**
 * The region's default alerts: the monitoring stack itself, its Prometheus and Thanos components, and the
 * cluster's workloads and nodes. Each replica evaluates them; the replica label is dropped before they are
 * sent, so the Alertmanagers see one alert per region, shard and target. None uses absent(): with hashmod
 * sharding only one shard scrapes a given workload, and absent() would fire on every other shard; the global
 * federation, which sees every shard, alerts on a missing compactor (builders/federation/alerts.ts).
 */
export function alertRules(jobs: StackJobs, sidecarBlockDuration: string): RuleFile<AlertingRule> {
  const blockSeconds = parseDuration(sidecarBlockDuration);
  if (blockSeconds === undefined || blockSeconds <= 0)
    throw new Error(`alert rules: '${sidecarBlockDuration}' is not a block duration`);
  return {
    groups: [
      {
        name: "monitoring-stack",
        rules: [
          {
            alert: "TargetDown",
            expr: "up == 0",
            for: "10m",
            labels: { severity: "warning" },
            annotations: {
              summary: "A scrape target is down.",
              description: "{{ $labels.job }} target {{ $labels.instance }} has failed every scrape for 10 minutes.",
            },
          },
          {
            alert: WATCHDOG_ALERT,
            expr: "vector(1)",
            labels: { severity: "none" },
            annotations: {
              summary: "Always firing: proves the alerting pipeline works end to end.",
              description: "If this alert stops arriving, alerts from this region are not being delivered.",
            },
          },
        ],
      },
      prometheusAlerts(jobs.prometheus),
      thanosAlerts(jobs, blockSeconds),
      kubernetesAlerts(jobs),
      nodeAlerts(jobs.nodeExporter),
    ],
  };
}
