/**
 * The teams' rule files as the region's Prometheus loads them: every rule labeled with its team, so the
 * team's alerts reach the team's route in Alertmanager and its recording rules (federated when they are
 * named `region:*`, `job:*` or `instance:*`) say whose they are.
 */
import { TEAM_LABEL } from "../../config/teams-schema";
import type { Team, TeamRuleFile } from "../../config/types";

function labeled(file: TeamRuleFile, team: string): TeamRuleFile["content"] {
  return {
    groups: file.content.groups.map((group) => ({
      ...group,
      rules: group.rules.map((rule) => ({ ...rule, labels: { ...rule.labels, [TEAM_LABEL]: team } })),
    })),
  };
}

/** Every team's rule files by file name (`team-<team>-<file>.yaml`), beside the stack's own in the rules directory. */
export function teamRuleFiles(teams: readonly Team[]): Record<string, TeamRuleFile["content"]> {
  return Object.fromEntries(
    teams.flatMap((team) => team.ruleFiles.map((file) => [file.fileName, labeled(file, team.name)])),
  );
}
