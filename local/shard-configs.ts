/**
 * A local Prometheus' config as a cluster writes it: its shard's config template (the ConfigMap, replica label
 * still `$(POD_NAME)`), which the sidecar's reloader watches and substitutes, and, before the process starts,
 * the substituted file Prometheus reads (the init container's work). The topology writes them at the start
 * and again whenever a region's shard layout changes, as `pulumi up` rewrites the shards' ConfigMaps.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type PrometheusFiles, prometheusConfig } from "../builders/prometheus/config";
import { substituteConfigCommand } from "../builders/regional/init-config";
import { POD_NAME_PLACEHOLDER } from "../builders/regional/layout";
import { type RegionalPlan, regionalPrometheusParams } from "../builders/regional/plan";
import { toYaml } from "../builders/yaml";
import type { RegionalStackConfig } from "../config/types";
import { type RemoteWriteTls, agentWorkloadConfig } from "../builders/regional/agent";
import type { LocalAgent, LocalPrometheus, LocalRegion, LocalShardPod, LocalWritingRegion } from "./plan";

/** A region's shards as one `pulumi up` deploys them: its config and the plan made of it. */
export interface ShardLayout {
  readonly config: RegionalStackConfig;
  readonly plan: RegionalPlan;
}

export interface PrometheusConfigPaths {
  readonly templateFile: string;
  readonly configFile: string;
}

export function prometheusConfigPaths(p: LocalPrometheus | LocalAgent): PrometheusConfigPaths {
  return {
    templateFile: path.join(p.dir, "config", "prometheus.yaml.tmpl"),
    configFile: path.join(p.dir, "config_out", "prometheus.yaml"),
  };
}

/**
 * Writes a pod's template for its shard in `layout`; with `substitute`, also the file Prometheus reads (for a
 * pod about to start: a running one has its sidecar's reloader substitute it and reload Prometheus).
 */
export function writePrometheusConfig(
  region: LocalRegion,
  layout: ShardLayout,
  p: LocalPrometheus,
  files: PrometheusFiles,
  substitute: boolean,
): PrometheusConfigPaths {
  const config = prometheusConfig({
    ...shardParams(layout, p, region.discoveredStandIns, files),
    localPorts: { web: p.port, sidecarHttp: p.sidecar.httpPort },
  });
  return writeTemplate(p, config, substitute);
}

/** A shard pod's config parameters as the clusters give them, with this topology's files and stand-ins. */
function shardParams(
  layout: ShardLayout,
  pod: LocalShardPod,
  discoveredStandIns: LocalRegion["discoveredStandIns"],
  files: PrometheusFiles,
) {
  const params = regionalPrometheusParams(
    layout.config,
    layout.plan,
    layout.config.cluster.name,
    pod.shard,
    POD_NAME_PLACEHOLDER,
  );
  return { ...params, discoveredStandIns, files };
}

/** The template a pod's ConfigMap holds and, with `substitute`, the file its init container writes from it. */
function writeTemplate(p: LocalPrometheus | LocalAgent, config: object, substitute: boolean): PrometheusConfigPaths {
  const paths = prometheusConfigPaths(p);
  for (const file of [paths.templateFile, paths.configFile]) fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(paths.templateFile, toYaml(config));
  if (substitute) {
    const [shell, ...shellArgs] = substituteConfigCommand(paths.templateFile, paths.configFile);
    execFileSync(shell, shellArgs, { env: { ...process.env, POD_NAME: p.podName } });
  }
  return paths;
}

/**
 * An agent's config as a remote-write region's pod gets it: its shard's template, substituted before the
 * agent starts (an agent pod has no reloader: a new config is a new pod).
 */
export function writeAgentConfig(
  region: LocalWritingRegion,
  agent: LocalAgent,
  files: PrometheusFiles,
  tls: RemoteWriteTls,
): PrometheusConfigPaths {
  const config = agentWorkloadConfig(
    region.config,
    { ...shardParams(region, agent, region.discoveredStandIns, files), localPorts: { web: agent.port } },
    tls,
  );
  return writeTemplate(agent, config, true);
}
