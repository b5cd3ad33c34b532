import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { alertmanagerDashboard } from "./dashboards/alertmanager";
import { globalOverviewDashboard } from "./dashboards/global-overview";
import { nodesDashboard } from "./dashboards/nodes";
import { prometheusDashboard } from "./dashboards/prometheus";
import { regionOverviewDashboard } from "./dashboards/region-overview";
import { stackHealthDashboard } from "./dashboards/stack-health";
import { thanosDashboard } from "./dashboards/thanos";
import { workloadsDashboard } from "./dashboards/workloads";

export { dashboardQueries } from "./dashboards/helpers";

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
