/**
 * The teams' dashboards in Grafana: each team's JSON files in a directory of its own, and one file provider
 * per team that puts them into the team's folder. The directories sit outside the default dashboards'
 * directory, whose provider reads every file below it and would list a team's dashboards a second time.
 */
import type { TeamSettings } from "../../config/types";

/** The team's directory under `baseDir`, where its ConfigMap is mounted. */
export const teamDashboardsDir = (baseDir: string, team: string) => `${baseDir}/${team}`;

/** One provider per team with dashboards: read-only in the UI, like the default ones, so the files stay the source. */
export function teamDashboardProviders(teams: readonly TeamSettings[], baseDir: string) {
  return teams
    .filter((team) => team.dashboardFiles.length > 0)
    .map((team) => ({
      name: `team-${team.name}`,
      folder: team.name,
      folderUid: `team-${team.name}`,
      type: "file",
      disableDeletion: true,
      allowUiUpdates: false,
      updateIntervalSeconds: 60,
      options: { path: teamDashboardsDir(baseDir, team.name), foldersFromFilesStructure: false },
    }));
}

/** Each team's dashboards by file name, as Grafana reads them. */
export function teamDashboards(teams: readonly TeamSettings[]): Record<string, Record<string, string>> {
  return Object.fromEntries(
    teams
      .filter((team) => team.dashboardFiles.length > 0)
      .map((team) => [
        team.name,
        Object.fromEntries(team.dashboardFiles.map((d) => [d.fileName, JSON.stringify(d.json, null, 2)])),
      ]),
  );
}
