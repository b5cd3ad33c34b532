/**
 * The teams' branches of the Alertmanager route tree: one child route per team that has receivers, matching
 * the `team` label the regions put on the team's series and alerts, with the team's own routes below it.
 */
import { TEAM_LABEL } from "../../config/teams-schema";
import type { RouteSettings, TeamSettings } from "../../config/types";

const childRoute = (r: RouteSettings) => ({ receiver: r.receiver, matchers: [...r.matchers], continue: r.continue });

/** After the Watchdog's route and before the stack's own routes; without `continue` the team alone is notified. */
export function teamRoutes(teams: readonly TeamSettings[]) {
  return teams
    .filter((team) => team.receivers.length > 0)
    .map((team) => ({
      receiver: team.receiver ?? team.receivers[0].name,
      matchers: [`${TEAM_LABEL}="${team.name}"`],
      continue: team.continue,
      ...(team.routes.length > 0 ? { routes: team.routes.map(childRoute) } : {}),
    }));
}
