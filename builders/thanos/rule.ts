/**
 * Thanos Ruler for a remote-write region. An agent evaluates no rules, so the region's recording and alert
 * rules are evaluated where its samples land: a Ruler pair in the global tier queries a Thanos Query that sees
 * only that region (Receive's series of the region's tenant, builders/thanos/query.ts `tenantQueryArgs`), and
 * carries the region's external labels. Receive itself evaluates nothing (Thanos has no Receive-side rules),
 * hence the Ruler.
 *
 * The Ruler runs stateless (`--remote-write.config-file`): it keeps no blocks and writes every recorded sample
 * to each federation Prometheus replica (their remote-write receiver), so the federation holds the region's
 * `region:*`, `job:*` and `instance:*` series with the same labels a sidecar region's /federate gives it, and
 * the federation's global rules, alerts and Thanos Query (through the federation sidecars) see both kinds of
 * region alike. Each Ruler replica's series carry its own replica label (the regions' `prometheus_replica`),
 * which the global rules merge with `max without (prometheus_replica)` as they merge a sidecar region's pairs.
 * Alerts go to every Alertmanager peer directly, the replica label dropped, so the mesh sees each alert once.
 */
import type { AlertingRule, RecordingRule, RuleFile } from "../rules/types";
import { listenArgs, thanosArgs, type ThanosListen } from "./common";

/** Groups of the region's default alerts that watch workloads an agent-mode region does not run. */
export const SIDECAR_ONLY_ALERT_GROUPS = ["thanos"] as const;

/** The region's rule files as a Ruler evaluates them: the sidecar-only groups left out. */
export function rulerRuleFiles(
  files: Readonly<Record<string, RuleFile<RecordingRule> | RuleFile<AlertingRule>>>,
): Record<string, RuleFile<RecordingRule | AlertingRule>> {
  const skip: readonly string[] = SIDECAR_ONLY_ALERT_GROUPS;
  return Object.fromEntries(
    Object.entries(files).map(([name, file]) => [
      name,
      {
        groups: (file.groups as RuleFile<RecordingRule | AlertingRule>["groups"]).filter((g) => !skip.includes(g.name)),
      },
    ]),
  );
}

/** `--query.config-file`: the region's scoped Thanos Query, in the cluster (plain HTTP behind NetworkPolicies). */
export function rulerQueryConfig(addresses: readonly string[]) {
  if (addresses.length === 0) throw new Error("Thanos Ruler needs a Query to evaluate over");
  return [{ static_configs: [...addresses], scheme: "http" }];
}

export interface RulerAlertmanagers {
  /** Every Alertmanager peer, `host:port`: each is sent every alert, no load balancer in between. */
  readonly addresses: readonly string[];
  readonly username: string;
  readonly passwordFile: string;
  readonly caFile: string;
  readonly serverName: string;
}

/** `--alertmanagers.config-file` (pkg/alert/config.go): HTTPS, basic auth, the mesh's CA and name. */
export function rulerAlertmanagersConfig(a: RulerAlertmanagers) {
  if (a.addresses.length === 0) throw new Error("Thanos Ruler needs the Alertmanagers to send alerts to");
  return {
    alertmanagers: [
      {
        http_config: {
          basic_auth: { username: a.username, password_file: a.passwordFile },
          tls_config: { ca_file: a.caFile, server_name: a.serverName },
        },
        static_configs: [...a.addresses],
        scheme: "https",
        timeout: "10s",
        api_version: "v2",
      },
    ],
  };
}

/** `--remote-write.config-file`: Prometheus' remote_write list, one entry per federation replica. */
export function rulerRemoteWriteConfig(urls: readonly string[]) {
  if (urls.length === 0) throw new Error("Thanos Ruler (stateless) needs somewhere to write its series");
  return {
    remote_write: urls.map((url, i) => ({
      name: `federation-${i}`,
      url,
      queue_config: { max_samples_per_send: 2000, batch_send_deadline: "5s", min_backoff: "30ms", max_backoff: "5s" },
    })),
  };
}

export interface RuleArgsParams {
  readonly listen: ThanosListen;
  readonly dataDir: string;
  /** A glob of the region's rule files. */
  readonly ruleFiles: string;
  readonly queryConfigFile: string;
  readonly alertmanagersConfigFile: string;
  readonly remoteWriteConfigFile: string;
  /** The region's external labels, the replica label among them (its value unique per Ruler pod). */
  readonly labels: Readonly<Record<string, string>>;
  /** Dropped from alerts, so the Ruler pair's alerts are one in the mesh. */
  readonly replicaLabel: string;
  readonly evalInterval: string;
  /** Where an alert's "source" link points (the global Query Frontend users reach). */
  readonly alertQueryUrl?: string;
}

export function ruleArgs(p: RuleArgsParams): string[] {
  if (!Object.hasOwn(p.labels, p.replicaLabel))
    throw new Error(`Thanos Ruler: the labels carry no replica label '${p.replicaLabel}'`);
  return thanosArgs(
    "rule",
    listenArgs(p.listen),
    [
      `--data-dir=${p.dataDir}`,
      `--rule-file=${p.ruleFiles}`,
      `--eval-interval=${p.evalInterval}`,
      `--query.config-file=${p.queryConfigFile}`,
      `--alertmanagers.config-file=${p.alertmanagersConfigFile}`,
      `--alert.label-drop=${p.replicaLabel}`,
      ...(p.alertQueryUrl ? [`--alert.query-url=${p.alertQueryUrl}`] : []),
      `--remote-write.config-file=${p.remoteWriteConfigFile}`,
    ],
    Object.entries(p.labels).map(([name, value]) => `--label=${name}="${value}"`),
  );
}
