import { toYaml } from "../yaml";
import type { RegionalStackConfig } from "../../config/types";
import type { ObjectStoreLocation } from "../cloud/object-store";
import { prometheusConfig } from "../prometheus/config";
import { isRemoteWrite, regionalAgentArgs, regionalAgentConfig } from "./agent";
import { certificateRules } from "../rules/certificates";
import { objstoreConfig } from "../thanos/objstore";
import { regionalGatewayConfig } from "./gateway";
import { REGIONAL_CERTIFICATES, prometheusPodName } from "./layout";
import { regionalPlan, regionalPrometheusParams } from "./plan";
import {
  CERTIFICATE_RULES_FILE,
  CLUSTER_REGIONAL_LAYOUT,
  clusterRegionalArgs,
  regionalLocalClientConfig,
  regionalRuleFiles,
  regionalWebConfig,
} from "./workload-config";
import { SIDECAR_BLOCK_DURATION } from "../prometheus/args";

export interface RegionalRenderInputs {
  readonly config: RegionalStackConfig;
  readonly objectStore: ObjectStoreLocation;
  /** The Kubernetes cluster's name (the `cluster` external label); defaults to the configured one. */
  readonly clusterName?: string;
  /** When every certificate the region issues expires (RFC 3339): they are issued at deploy, so one time stands in. */
  readonly certificatesExpire: string;
}

/**
 * A well-formed bcrypt hash that matches no password anyone knows: rendered files carry it where the deployed
 * Secret carries the hash of the region's random federation password.
 */
export const PLACEHOLDER_BCRYPT_HASH = `$2y$10$${"0".repeat(53)}`;

/** The region gateway's HAProxy config, as its pods mount it. */
export const REGION_GATEWAY_FILE = "gateway/haproxy.cfg";

const argsFile = (args: readonly string[]) => `${args.join("\n")}\n`;

/**
 * Every config file of a region, by relative path: one Prometheus config per pod (the replica label
 * substituted as the pod would see it), the rule files, the web and client configs, the objstore config and
 * the Thanos command lines, the region gateway's HAProxy config. No secret is in any of them: they reference files the pods mount.
 */
export function renderRegionalFiles(inputs: RegionalRenderInputs): Record<string, string> {
  const { config } = inputs;
  const plan = regionalPlan(config);
  const clusterName = inputs.clusterName ?? config.cluster.name;
  const files: Record<string, string> = {};
  // A remote-write region runs agents (no sidecar); its rules are evaluated by the global tier's Ruler.
  const remoteWrite = isRemoteWrite(config);
  for (const pod of plan.pods) {
    const params = regionalPrometheusParams(
      config,
      plan,
      clusterName,
      pod.shard,
      prometheusPodName(pod.shard, pod.replica),
    );
    files[`prometheus/shard-${pod.shard}/${pod.podName}.yaml`] = toYaml(
      remoteWrite
        ? regionalAgentConfig(config, plan, clusterName, pod.shard, prometheusPodName(pod.shard, pod.replica))
        : prometheusConfig(params),
    );
  }
  for (const [name, rules] of Object.entries(regionalRuleFiles(config, SIDECAR_BLOCK_DURATION)))
    files[`rules/${name}`] = toYaml(rules);
  const issued = REGIONAL_CERTIFICATES.map((name) => ({ name, validityEndTime: inputs.certificatesExpire }));
  files[`rules/${CERTIFICATE_RULES_FILE}`] = toYaml(
    certificateRules(issued, config.certificateWarningDays, config.alerts),
  );
  files["prometheus/web-config.yaml"] = toYaml(regionalWebConfig(CLUSTER_REGIONAL_LAYOUT, PLACEHOLDER_BCRYPT_HASH));
  files["prometheus/local-client.yaml"] = toYaml(
    regionalLocalClientConfig(CLUSTER_REGIONAL_LAYOUT, plan.tlsServerName),
  );
  const args = clusterRegionalArgs(config, plan.sizing);
  files["prometheus/prometheus.args"] = argsFile(remoteWrite ? regionalAgentArgs(config) : args.prometheus);
  files["thanos/objstore.yaml"] = toYaml(objstoreConfig(inputs.objectStore));
  if (!remoteWrite) files["thanos/sidecar.args"] = argsFile(args.sidecar);
  files["thanos/store.args"] = argsFile(args.store);
  files["thanos/compact.args"] = argsFile(args.compact);
  files[REGION_GATEWAY_FILE] = regionalGatewayConfig(plan);
  return files;
}
