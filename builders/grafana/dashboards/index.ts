import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { alertmanagerDashboard } from "./alertmanager";
import { globalOverviewDashboard } from "./global-overview";
import { nodesDashboard } from "./nodes";
import { prometheusDashboard } from "./prometheus";
import { regionOverviewDashboard } from "./region-overview";
import { stackHealthDashboard } from "./stack-health";
import { thanosDashboard } from "./thanos";
import { workloadsDashboard } from "./workloads";

export { dashboardQueries } from "./helpers";

/** Every default dashboard, by the name of the JSON file Grafana provisions it from. */
export function grafanaDashboards(): Record<string, Dashboard> {
  const boards = [
    globalOverviewDashboard(),
    stackHealthDashboard(),
    regionOverviewDashboard(),
    nodesDashboard(),
    workloadsDashboard(),
    prometheusDashboard(),
    thanosDashboard(),
    alertmanagerDashboard(),
  ];
  return Object.fromEntries(boards.map((board) => [`${board.uid}.json`, board]));
}
