/**
 * The files the teams' config entries name, read while the config loads so a broken rule file or dashboard
 * stops `pulumi up` before any resource exists, with the stack, the key and the file in the sentence. What
 * the builders get is content, never a path: they do no I/O.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { ruleFileProblem } from "./rule-file-check";
import { ImportProblem, importObjects } from "./teams-import";
import { TEAM_LABEL } from "./teams-schema";
import type { DeclaredTeam, Team, TeamDashboard, TeamMonitor, TeamRuleFile } from "./types";

type Fail = (path: readonly PropertyKey[], allowed: string) => never;

/** A team whose files could not be read: its entry as the stack file has it, with none of their content. */
export function unresolvedTeam(team: DeclaredTeam): Team {
  return { ...team, ruleFiles: [], dashboardFiles: [] };
}

function readProjectFile(
  projectDir: string,
  relative: string,
  what: string,
  at: readonly PropertyKey[],
  fail: Fail,
): string {
  const file = path.join(projectDir, relative);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile())
    fail(at, `${what} in the project directory, but ${relative} does not exist there`);
  return fs.readFileSync(file, "utf8");
}

/** A rule file's content as the team's: checked as promtool would, and not claiming another team's label. */
function checkedRules(
  team: string,
  source: string,
  content: unknown,
  at: readonly PropertyKey[],
  fail: Fail,
): TeamRuleFile["content"] {
  const problem = ruleFileProblem(content);
  if (problem) fail(at, `a Prometheus rule file promtool accepts, but ${source}: ${problem}`);
  const groups = (content as TeamRuleFile["content"]).groups;
  for (const group of groups) {
    const groupLabels = group.labels as Record<string, string> | undefined;
    for (const [labels, what] of [
      [groupLabels, "the group"],
      ...group.rules.map((rule) => [rule.labels, rule.alert ?? rule.record] as const),
    ] as const) {
      const claimed = labels?.[TEAM_LABEL];
      if (claimed !== undefined && claimed !== team) {
        fail(
          at,
          `rules of team '${team}' only, but ${source}: group '${group.name}' sets ${TEAM_LABEL}="${claimed}" on ${what} (the stack sets ${TEAM_LABEL}="${team}" on every rule of the team)`,
        );
      }
    }
  }
  return content as TeamRuleFile["content"];
}

/** `team-<team>-<file>`: every team's files sit in one rules directory, the stack's own beside them. */
function ruleFileName(team: string, base: string): string {
  return `team-${team}-${base.replace(/\.ya?ml$/, "")}.yaml`;
}

function uniqueNames<T extends { fileName: string; source: string }>(
  files: readonly T[],
  at: (i: number) => readonly PropertyKey[],
  what: string,
  fail: Fail,
): void {
  files.forEach((f, i) => {
    const first = files.findIndex((other) => other.fileName === f.fileName);
    if (first !== i)
      fail(at(i), `${what} of a file name no other of the team's has (${files[first].source} is ${f.fileName} too)`);
  });
}

function regionalTeam(team: DeclaredTeam, i: number, projectDir: string, fail: Fail): Team {
  const ruleFiles: TeamRuleFile[] = team.rules.map((source, r) => {
    const at = ["teams", i, "rules", r];
    const text = readProjectFile(projectDir, source, "a rule file", at, fail);
    let content: unknown;
    try {
      content = YAML.parse(text);
    } catch (err) {
      fail(at, `a Prometheus rule file in YAML, but ${source} is not YAML: ${(err as Error).message.split("\n")[0]}`);
    }
    return {
      source,
      fileName: ruleFileName(team.name, path.basename(source)),
      content: checkedRules(team.name, source, content, at, fail),
    };
  });
  const services = [...team.services];
  const pods = [...team.pods];
  if (team.importDir !== undefined) {
    const at = ["teams", i, "importDir"];
    const dir = path.join(projectDir, team.importDir);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
      fail(at, `a directory in the project directory, but ${team.importDir} is none`);
    const files = fs
      .readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
    for (const f of files) {
      const source = path.posix.join(team.importDir, f);
      try {
        for (const object of importObjects(source, fs.readFileSync(path.join(dir, f), "utf8"))) {
          if (object.kind === "PrometheusRule") {
            ruleFiles.push({
              source: `${source} (PrometheusRule ${object.name})`,
              fileName: ruleFileName(team.name, object.name),
              content: checkedRules(team.name, source, object.content, at, fail),
            });
          } else {
            (object.kind === "ServiceMonitor" ? services : pods).push(
              object.entry as unknown as DeclaredTeam["services"][number],
            );
          }
        }
      } catch (err) {
        if (err instanceof ImportProblem)
          fail(
            at,
            `ServiceMonitor, PodMonitor and PrometheusRule objects whose fields this stack maps, but ${err.message}`,
          );
        throw err;
      }
    }
  }
  uniqueNames(
    ruleFiles,
    (r) => (r < team.rules.length ? ["teams", i, "rules", r] : ["teams", i, "importDir"]),
    "a rule file",
    fail,
  );
  // A monitor's Secrets and ConfigMaps are in its own namespace, as with the operator; a monitor of the
  // stack file is taken to live in the team's first namespace unless it names one.
  const placed = <M extends TeamMonitor>(m: M): M =>
    m.namespace !== undefined || team.namespaces.length === 0 ? m : { ...m, namespace: team.namespaces[0] };
  return { ...team, services: services.map(placed), pods: pods.map(placed), ruleFiles, dashboardFiles: [] };
}

function globalTeam(team: DeclaredTeam, i: number, projectDir: string, fail: Fail): Team {
  const dashboardFiles: TeamDashboard[] = team.dashboards.map((source, d) => {
    const at = ["teams", i, "dashboards", d];
    const text = readProjectFile(projectDir, source, "a dashboard JSON file", at, fail);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      fail(at, `a Grafana dashboard in JSON, but ${source} is not JSON: ${(err as Error).message}`);
    }
    const board = json as Record<string, unknown>;
    if (
      board === null ||
      typeof board !== "object" ||
      Array.isArray(board) ||
      typeof board.title !== "string" ||
      board.title === ""
    ) {
      fail(at, `a Grafana dashboard (a JSON object with a title), but ${source} has no title`);
    }
    if (board.uid !== undefined && (typeof board.uid !== "string" || !/^[a-zA-Z0-9_-]{1,40}$/.test(board.uid))) {
      fail(
        at,
        `a Grafana dashboard whose uid has at most 40 letters, digits, _ and -, but ${source} has uid ${JSON.stringify(board.uid)}`,
      );
    }
    return { source, fileName: path.basename(source), json: board };
  });
  uniqueNames(dashboardFiles, (d) => ["teams", i, "dashboards", d], "a dashboard", fail);
  return { ...team, ruleFiles: [], dashboardFiles };
}

/** The team (entry `i`) with the content of the files it names: rules and imports on regional stacks, dashboards on the global one. */
export function resolveTeam(
  tier: "regional" | "global",
  team: DeclaredTeam,
  i: number,
  projectDir: string,
  fail: Fail,
): Team {
  return tier === "regional" ? regionalTeam(team, i, projectDir, fail) : globalTeam(team, i, projectDir, fail);
}
