/**
 * Rules between the teams' keys and the rest of the stack config, run on what the schema and the team files
 * gave (./teams.ts): each tier's own part of an entry only, names that do not collide, limits a team cannot
 * raise, relabelings Prometheus would refuse, receivers and routes that exist and secrets held as secrets.
 */
import { parseDuration } from "./duration";
import { keyPath, valueAt } from "./paths";
import type { Fail, RuleContext, StackRule } from "./rule-runner";
import { RECEIVER_SECRET, globalRule, regionalRule } from "./rules";
import { requireSecret } from "./secrets";
import { BUILT_IN_RECEIVERS } from "./schema";
import { TEAM_LABEL, endpointKeys } from "./teams-schema";
import type { GlobalStackConfig, RegionalStackConfig, StackConfig, Team, TeamEndpoint, TeamMonitor } from "./types";

/** The keys of a team entry each tier reads. */
const TIER_FIELDS = {
  regional: ["namespaces", "services", "pods", "rules", "importDir"],
  global: ["dashboards", "receivers", "receiver", "routes", "continue"],
} as const;

/** Relabel actions that write `targetLabel`, which Prometheus requires for them. */
const WRITING_ACTIONS = ["replace", "hashmod", "lowercase", "uppercase"];

/** Team names once, and each entry only with its own tier's keys. */
function teamEntries(config: StackConfig, { input, fail }: RuleContext): void {
  const other = config.tier === "regional" ? "global" : "regional";
  config.teams.forEach((team, i) => {
    if (config.teams.findIndex((t) => t.name === team.name) !== i)
      fail(["teams", i, "name"], "a team name no other team has");
    for (const field of TIER_FIELDS[other]) {
      if (valueAt(input, ["teams", i, field]) !== undefined) {
        fail(
          ["teams", i, field],
          `no value on a ${config.tier} stack: teams[].${field} is read by ${other === "global" ? "the global stack" : "regional stacks"}`,
        );
      }
    }
  });
}

function regionalTeams(config: RegionalStackConfig, { input, fail }: RuleContext): void {
  config.teams.forEach((team, i) => {
    for (const kind of ["services", "pods"] as const) {
      const declared = (valueAt(input, ["teams", i, kind]) as unknown[] | undefined)?.length ?? 0;
      team[kind].forEach((monitor, m) => {
        // An imported monitor has no key of its own: its messages name importDir and the object.
        const imported = m >= declared;
        const check = (path: readonly PropertyKey[], allowed: string): never =>
          imported
            ? fail(
                ["teams", i, "importDir"],
                `${allowed} (in the imported ${kind === "services" ? "ServiceMonitor" : "PodMonitor"} '${monitor.name}', field ${keyPath(path)})`,
              )
            : fail(["teams", i, kind, m, ...path], allowed);
        const { any, matchNames } = monitor.namespaceSelector;
        if (!any && matchNames.length === 0 && team.namespaces.length === 0) {
          fail(
            ["teams", i, "namespaces"],
            `the namespaces the team's workloads run in, where monitor '${monitor.name}' looks without a namespaceSelector (or a namespaceSelector on the monitor)`,
          );
        }
        checkMonitor(config, team, kind, monitor, check);
      });
    }
    const names = [...team.services.map((s) => `services/${s.name}`), ...team.pods.map((p) => `pods/${p.name}`)];
    const twice = names.find((n, k) => names.indexOf(n) !== k);
    if (twice !== undefined)
      fail(
        ["teams", i, twice.startsWith("services") ? "services" : "pods"],
        `monitors of distinct names: the team has ${twice} twice (in the stack file or imported)`,
      );
  });
}

function checkMonitor(
  config: RegionalStackConfig,
  team: Team,
  kind: "services" | "pods",
  monitor: TeamMonitor,
  fail: Fail,
): void {
  const { any, matchNames } = monitor.namespaceSelector;
  if (any && matchNames.length > 0) fail(["namespaceSelector"], "either any or matchNames, not both");
  for (const [key, limit] of [
    ["sampleLimit", config.prometheus.sampleLimit],
    ["labelLimit", config.prometheus.labelLimit],
  ] as const) {
    const value = monitor[key];
    if (value !== undefined && value > limit)
      fail(
        [key],
        `a whole number up to ${limit} (prometheus.${key}): a team cannot raise the stack's per-target limit`,
      );
  }
  for (const field of ["targetLabels", "podTargetLabels"] as const) {
    const labels: readonly string[] =
      field in monitor ? (monitor as Record<typeof field, readonly string[]>)[field] : [];
    // Copied under its sanitized name, which is `team` for `team` alone.
    labels.forEach((label, l) => {
      if (label === TEAM_LABEL)
        fail(
          [field, l],
          `a label other than ${TEAM_LABEL}: the stack sets ${TEAM_LABEL}="${team.name}" on every series of the team`,
        );
    });
  }
  monitor.endpoints.forEach((endpoint, e) => {
    const at = (...path: PropertyKey[]) => ["endpoints", e, ...path];
    if (endpoint.port === undefined && endpoint.targetPort === undefined) {
      fail(
        at("port"),
        `the name of the ${kind === "services" ? "Service" : "container"} port to scrape (or a targetPort)`,
      );
    }
    const interval = parseDuration(endpoint.interval ?? config.prometheus.scrapeInterval)!;
    if (endpoint.scrapeTimeout !== undefined && parseDuration(endpoint.scrapeTimeout)! > interval) {
      fail(
        at("scrapeTimeout"),
        `a duration of at most the endpoint's interval (${endpoint.interval ?? `${config.prometheus.scrapeInterval}, prometheus.scrapeInterval`})`,
      );
    }
    if (endpoint.tlsConfig !== undefined && endpoint.scheme !== "https")
      fail(at("tlsConfig"), "no value unless scheme is https");
    checkCredentials(monitor, endpoint, at, fail);
    for (const list of ["relabelings", "metricRelabelings"] as const) {
      endpoint[list].forEach((step, r) => {
        if (step.targetLabel === TEAM_LABEL)
          fail(
            at(list, r, "targetLabel"),
            `a label other than ${TEAM_LABEL}: the stack sets ${TEAM_LABEL}="${team.name}" on every series of the team`,
          );
        if (WRITING_ACTIONS.includes(step.action) && step.targetLabel === undefined)
          fail(at(list, r, "targetLabel"), `a label name: a ${step.action} step writes one`);
        if (step.action === "hashmod" && step.modulus === undefined)
          fail(at(list, r, "modulus"), "a whole number: a hashmod step needs its modulus");
      });
    }
  });
}

/** The ways an endpoint authenticates; Prometheus takes one. */
const AUTHENTICATIONS = ["basicAuth", "authorization"] as const;

/** What Prometheus would refuse or could not read of an endpoint's credentials and TLS material. */
function checkCredentials(
  monitor: TeamMonitor,
  endpoint: TeamEndpoint,
  at: (...path: PropertyKey[]) => PropertyKey[],
  fail: Fail,
): void {
  const tls = endpoint.tlsConfig;
  for (const field of ["ca", "cert"] as const) {
    const source = tls?.[field];
    if (source === undefined) continue;
    if (source.secret !== undefined && source.configMap !== undefined)
      fail(
        at("tlsConfig", field, "configMap"),
        `no value beside tlsConfig.${field}.secret: one source, a Secret or a ConfigMap`,
      );
    if (source.secret === undefined && source.configMap === undefined)
      fail(at("tlsConfig", field), "a secret or a configMap (its name and key)");
  }
  if (tls?.cert !== undefined && tls.keySecret === undefined)
    fail(
      at("tlsConfig", "keySecret"),
      "the Secret key of the client certificate's private key: a tlsConfig.cert needs one",
    );
  if (tls?.keySecret !== undefined && tls.cert === undefined)
    fail(
      at("tlsConfig", "cert"),
      "the client certificate (a secret or configMap) of tlsConfig.keySecret: a key needs its certificate",
    );
  const ways = AUTHENTICATIONS.filter((way) => endpoint[way] !== undefined);
  if (ways.length > 1) fail(at(ways[1]), `no value beside ${ways[0]}: Prometheus authenticates a scrape one way`);
  if (endpoint.authorization !== undefined && endpoint.authorization.type.toLowerCase() === "basic") {
    fail(
      at("authorization", "type"),
      "a scheme other than Basic (Prometheus refuses it in authorization): use basicAuth",
    );
  }
  if (monitor.namespace === undefined && endpointKeys(endpoint).length > 0) {
    fail(
      ["namespace"],
      `the namespace of the Secrets and ConfigMaps monitor '${monitor.name}' names (or teams[].namespaces, whose first one is the default)`,
    );
  }
}

function globalTeams(config: GlobalStackConfig, { input, raw, fail }: RuleContext): void {
  const taken = new Map<string, string>([
    ...Object.values(BUILT_IN_RECEIVERS).map((name): [string, string] => [name, "the stack's own"]),
    ...config.alerting.receivers.map((r): [string, string] => [r.name, "alerting.receivers"]),
  ]);
  const uids = new Map<string, string>();
  config.teams.forEach((team, i) => {
    team.receivers.forEach((receiver, r) => {
      const at = ["teams", i, "receivers", r];
      const owner = taken.get(receiver.name);
      if (owner !== undefined)
        fail([...at, "name"], `a receiver name not used elsewhere (${owner} has '${receiver.name}')`);
      taken.set(receiver.name, `team '${team.name}'`);
      if (receiver.type !== "slack" && valueAt(input, [...at, "channel"]) !== undefined) {
        fail(
          [...at, "channel"],
          `no value: only slack receivers have a channel, and '${receiver.name}' is a ${receiver.type} receiver`,
        );
      }
      requireSecret(
        config.stack,
        raw,
        receiver.secretKey,
        `${RECEIVER_SECRET[receiver.type]} of receiver '${receiver.name}' of team '${team.name}'`,
      );
    });
    const own = team.receivers.map((r) => r.name);
    const ownList =
      own.length > 0
        ? `one of the team's receivers: ${own.join(", ")}`
        : "no value: the team has no receivers (teams[].receivers)";
    if (team.receiver !== undefined && !own.includes(team.receiver)) fail(["teams", i, "receiver"], ownList);
    team.routes.forEach((route, r) => {
      if (!own.includes(route.receiver)) fail(["teams", i, "routes", r, "receiver"], ownList);
    });
    team.dashboardFiles.forEach((board, d) => {
      const uid = board.json.uid;
      if (typeof uid !== "string") return;
      const owner = uids.get(uid);
      if (owner !== undefined)
        fail(
          ["teams", i, "dashboards", d],
          `a dashboard whose uid no other has, but ${board.source} has uid '${uid}' as ${owner} does`,
        );
      uids.set(uid, board.source);
    });
  });
}

/** The rules of the teams' entries; they run before the stack's own, which build jobs from these entries. */
export const TEAM_RULES: readonly StackRule[] = [teamEntries, regionalRule(regionalTeams), globalRule(globalTeams)];
