import { WATCHDOG_ALERT } from "../alertmanager/config";
import type { AlertingRule, RuleFile } from "../rules/types";
import { federateJobName } from "./config";
import { REGIONAL_RECORDING_RULES } from "./series";

/** A region as the global alerts name it. */
export interface AlertedRegion {
  readonly name: string;
  /** The region's Kubernetes cluster, the `cluster` label of the region's own alerts. */
  readonly clusterName: string;
}

export const REGION_UNREACHABLE = "RegionUnreachable";
/** The `service` label of the global alerts: what is lost is the region's Prometheus as the federation reaches it. */
export const FEDERATION_SERVICE = "federation";

/**
 * Alerts the federation Prometheus evaluates about the regions it federates, one pair per region so an
 * absent region is named. Both alerts of a pair are `RegionUnreachable` with the same `cluster` and `service`,
 * so while the critical one fires the Alertmanagers' critical-inhibits-warning rule silences the warning.
 * The Watchdog proves the federation's own path to the Alertmanager mesh; the regional one proves only the
 * region's.
 */
export function globalAlertRules(regions: readonly AlertedRegion[]): RuleFile<AlertingRule> {
  return {
    groups: [
      {
        name: "global-federation-alerts",
        rules: [...regions.flatMap(regionAlerts), watchdog()],
      },
    ],
  };
}

function regionAlerts(region: AlertedRegion): AlertingRule[] {
  const up = `up{job="${federateJobName(region.name)}"}`;
  // Every regional Prometheus scrapes targets, so job:up:count is federated whenever the region answers.
  const answers = `${REGIONAL_RECORDING_RULES.targetsScraped}{region="${region.name}"}`;
  const labels = { region: region.name, cluster: region.clusterName, service: FEDERATION_SERVICE };
  return [
    {
      alert: REGION_UNREACHABLE,
      // `or on()` keeps one series even when both sides fire, so the rule labels never collide.
      expr: `absent(${up} == 1) or on() absent(${answers})`,
      for: "5m",
      labels: { ...labels, severity: "critical" },
      annotations: {
        summary: `Region ${region.name} is unreachable from the global federation.`,
        description: `No Prometheus pod of ${region.name} has been federated, or none serves the region's recording rules, for 5 minutes: its global series and dashboards are missing.`,
      },
    },
    {
      alert: REGION_UNREACHABLE,
      expr: `count(${up} == 0) > 0`,
      for: "10m",
      labels: { ...labels, severity: "warning" },
      annotations: {
        summary: `Some Prometheus pods of region ${region.name} are unreachable from the global federation.`,
        description: `{{ $value }} Prometheus pod(s) of ${region.name} have failed every federation scrape for 10 minutes: the region runs without a spare replica.`,
      },
    },
  ];
}

function watchdog(): AlertingRule {
  return {
    alert: WATCHDOG_ALERT,
    expr: "vector(1)",
    labels: { service: FEDERATION_SERVICE, severity: "none" },
    annotations: {
      summary: "Always firing: proves the global federation's alerting pipeline works end to end.",
      description: "If this alert stops arriving, alerts about lost regions are not being delivered.",
    },
  };
}
