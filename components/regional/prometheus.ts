import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { promtoolCheckCommand } from "../../builders/prometheus/probe";
import { podSecurityContext } from "../../builders/k8s/pod";
import { prometheusConfig } from "../../builders/prometheus/config";
import { type PolicyRule, discoveryRules } from "../../builders/prometheus/rbac";
import { substituteConfigCommand } from "../../builders/regional/init-config";
import {
  MONITORING_NAMESPACE,
  NAMES,
  PATHS,
  PORTS,
  POD_NAME_PLACEHOLDER,
  PROBE_TIMING,
  SHARD_STATE_ANNOTATION,
  shardStatefulSetName,
} from "../../builders/regional/layout";
import type { ClusterNetwork } from "../../builders/k8s/network-policies";
import { nameSelector } from "../../builders/k8s/labels";
import { gatewaySelector } from "../../builders/regional/gateway";
import { regionalTraffic } from "../../builders/regional/network-policies";
import { type RegionalPlan, deployedShards, regionalPrometheusParams } from "../../builders/regional/plan";
import { toYaml } from "../../builders/yaml";
import { clusterRegionalArgs } from "../../builders/regional/workload-config";
import { isRemoteWrite, regionalAgentArgs, regionalAgentConfig } from "../../builders/regional/agent";
import type { RegionalStackConfig } from "../../config/types";
import { IMAGES, VERSIONS } from "../../versions";
import {
  configChecksum,
  container,
  disruptionBudget,
  fieldEnv,
  httpProbes,
  metadata,
  networkPolicy,
  persistentVolumeClaim,
  renderedFileVolumeSize,
  spread,
  workload,
  type Workload,
} from "../workload";

/** Kubernetes objects the Prometheus pods mount, created by the aggregate component. */
export interface PrometheusMounts {
  readonly rulesConfigMap: string;
  readonly objstoreSecret: string;
  readonly tlsSecret: string;
  readonly prometheusSecret: string;
  /** Changes when the certificates change: Thanos reads its gRPC key pair at start. */
  readonly tlsChecksum: pulumi.Input<string>;
  /** The copy of the teams' credentials (TeamCredentials), where a team's endpoint names any. */
  readonly teamCredentialsSecret?: string;
  /** Remote-write regions: the agents' client certificate to Thanos Receive. */
  readonly remoteWriteSecret?: string;
}

export interface PrometheusShardsArgs {
  readonly config: RegionalStackConfig;
  readonly plan: RegionalPlan;
  readonly provider: k8s.Provider;
  readonly network: ClusterNetwork;
  readonly clusterName: pulumi.Input<string>;
  readonly storageClassName: string | undefined;
  readonly mounts: PrometheusMounts;
}

const INIT_SIZE = { cpuRequest: "10m", memoryRequest: "16Mi", memoryLimit: "32Mi" };

/** Labels every Prometheus pod of the region carries, whatever its shard. */
export const PROMETHEUS_SELECTOR: Readonly<Record<string, string>> = nameSelector("prometheus");

/**
 * The region's Prometheus: one StatefulSet per shard (`prometheus-shard-<s>`, `replicas` pods each), every pod
 * with a Thanos sidecar that uploads its 2h blocks, serves the StoreAPI over mutual TLS and reloads the
 * config with the pod's name as replica label. Each shard has a PodDisruptionBudget; pods spread over zones
 * and nodes; a ClusterRole lets them discover targets. A retiring shard (`prometheus.retiringShards`) keeps
 * its StatefulSet with a config that scrapes no target: its head, which holds up to 1.5 block durations its
 * sidecar has not uploaded, is cut into blocks and shipped on the usual schedule, and Thanos Query reads it
 * through its StoreAPI meanwhile. Deleting the pods at once would lose that head.
 */
export class PrometheusShards extends pulumi.ComponentResource {
  readonly statefulSets: k8s.apps.v1.StatefulSet[] = [];

  constructor(name: string, args: PrometheusShardsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:regional:PrometheusShards", name, {}, opts);
    const { config, plan } = args;
    const common = workload(
      { name: "prometheus", instance: config.namePrefix, component: "metrics", version: VERSIONS.prometheus },
      MONITORING_NAMESPACE,
      { parent: this, provider: args.provider },
    );

    // Every shard runs the same jobs (only its share of their targets differs), so shard 0's config says
    // what discovery reads; the cluster name changes no job.
    discoveryRbac(
      common,
      discoveryRules(
        prometheusConfig(regionalPrometheusParams(config, plan, config.cluster.name, 0, POD_NAME_PLACEHOLDER))
          .scrape_configs,
      ),
    );
    const agents = isRemoteWrite(config);
    new k8s.core.v1.Service(
      NAMES.prometheusService,
      {
        metadata: metadata(common, NAMES.prometheusService),
        spec: {
          clusterIP: "None",
          selector: PROMETHEUS_SELECTOR,
          // An agent has no sidecar.
          ports: agents
            ? [{ name: "web", port: PORTS.prometheusWeb, targetPort: "web" }]
            : [
                { name: "web", port: PORTS.prometheusWeb, targetPort: "web" },
                { name: "grpc", port: PORTS.thanosGrpc, targetPort: "grpc" },
                { name: "sidecar-http", port: PORTS.thanosHttp, targetPort: "sidecar-http" },
              ],
        },
      },
      common.opts,
    );
    // Federation and StoreAPI are for the global tier, which reaches them through the region gateway; the
    // sidecar's HTTP port serves the pod itself (its Prometheus scrapes it on localhost) and the kubelet's probes.
    networkPolicy(
      common,
      "prometheus",
      regionalTraffic(
        PROMETHEUS_SELECTOR,
        // An agent serves no /federate and no StoreAPI: nothing outside the pod dials it but the other agents' scrapes.
        agents
          ? [{ port: PORTS.prometheusWeb, from: "prometheus" }]
          : [
              { port: PORTS.prometheusWeb, from: "gateway" },
              { port: PORTS.thanosGrpc, from: "gateway" },
            ],
        "scrape",
        PROMETHEUS_SELECTOR,
        gatewaySelector(config.namePrefix),
      ),
      args.network,
    );

    for (const shard of deployedShards(plan)) {
      const name = shardStatefulSetName(shard);
      const w = workload(
        {
          name: "prometheus",
          instance: `${config.namePrefix}-shard-${shard}`,
          component: "metrics",
          version: VERSIONS.prometheus,
        },
        MONITORING_NAMESPACE,
        { parent: this, provider: args.provider },
      );
      const template = pulumi
        .output(args.clusterName)
        .apply((cluster) =>
          toYaml(
            agents
              ? regionalAgentConfig(config, plan, cluster, shard, POD_NAME_PLACEHOLDER)
              : prometheusConfig(regionalPrometheusParams(config, plan, cluster, shard, POD_NAME_PLACEHOLDER)),
          ),
        );
      const configMap = new k8s.core.v1.ConfigMap(
        `${name}-config`,
        {
          metadata: metadata(w, `${name}-config`),
          data: { [PATHS.configTemplateFile.split("/").pop()!]: template },
        },
        w.opts,
      );
      const state = plan.retiringShards.includes(shard) ? "retiring" : "active";
      const shardConfig = { configMapName: configMap.metadata.name, template };
      this.statefulSets.push(shardStatefulSet(w, name, shardConfig, state, args));
      disruptionBudget(w, { name });
    }
    this.registerOutputs({});
  }
}

/** The shard's config: its ConfigMap and the template it holds, which the pod substitutes into an emptyDir. */
interface ShardConfig {
  readonly configMapName: pulumi.Input<string>;
  readonly template: pulumi.Output<string>;
}

/** Probes of Prometheus (and of an agent): exec, because the web endpoint wants basic auth, which an httpGet probe could only send in clear text. */
function prometheusProbe(command: "healthy" | "ready", failureThreshold: number) {
  return {
    exec: {
      command: promtoolCheckCommand(command, {
        promtool: "promtool",
        url: `https://localhost:${PORTS.prometheusWeb}`,
        clientConfigFile: PATHS.localClientConfigFile,
      }),
    },
    periodSeconds: 15,
    timeoutSeconds: 10,
    failureThreshold,
  };
}

const PROMETHEUS_PROBES = { liveness: prometheusProbe("healthy", 6), readiness: prometheusProbe("ready", 3) };

function mount(volume: string, mountPath: string, readOnly = true) {
  return { name: volume, mountPath, readOnly };
}

/** Substitutes the pod's name into the shard's config template (Prometheus and an agent alike). */
function initConfigContainer() {
  return container({
    name: "init-config",
    image: IMAGES.prometheus,
    command: substituteConfigCommand(PATHS.configTemplateFile, PATHS.configOutFile),
    args: [],
    env: [fieldEnv("POD_NAME", "metadata.name")],
    resources: INIT_SIZE,
    volumeMounts: [mount("config", PATHS.configTemplateDir), mount("config-out", PATHS.configOutDir, false)],
  });
}

/** What a shard's pods run besides the init container: Prometheus and its sidecar, or an agent alone. */
interface ShardPod {
  readonly containers: k8s.types.input.core.v1.Container[];
  readonly volumes: k8s.types.input.core.v1.Volume[];
  readonly annotations: Record<string, pulumi.Input<string>>;
  /** The sidecar's reloader finds Prometheus among the pod's processes and sends it SIGHUP. */
  readonly shareProcessNamespace?: boolean;
}

function shardStatefulSet(
  w: Workload,
  name: string,
  config: ShardConfig,
  state: "active" | "retiring",
  args: PrometheusShardsArgs,
): k8s.apps.v1.StatefulSet {
  const { plan, mounts } = args;
  const pod = isRemoteWrite(args.config) ? agentPod(config, args) : sidecarPod(args);
  return new k8s.apps.v1.StatefulSet(
    name,
    {
      metadata: metadata(w, name, { [SHARD_STATE_ANNOTATION]: state }),
      spec: {
        serviceName: NAMES.prometheusService,
        replicas: plan.replicas,
        podManagementPolicy: "Parallel",
        selector: { matchLabels: w.selector },
        template: {
          metadata: {
            labels: w.labels,
            annotations: { "checksum/tls": configChecksum(mounts.tlsChecksum), ...pod.annotations },
          },
          spec: {
            serviceAccountName: NAMES.prometheusServiceAccount,
            securityContext: podSecurityContext(),
            ...(pod.shareProcessNamespace ? { shareProcessNamespace: true } : {}),
            terminationGracePeriodSeconds: 120,
            ...spread(w.selector),
            initContainers: [initConfigContainer()],
            containers: pod.containers,
            volumes: [
              { name: "config", configMap: { name: config.configMapName } },
              // Holds the substituted config only (the pod's name in place of the placeholder).
              { name: "config-out", emptyDir: { sizeLimit: config.template.apply(renderedFileVolumeSize) } },
              { name: "secrets", secret: { secretName: mounts.prometheusSecret } },
              { name: "tls", secret: { secretName: mounts.tlsSecret } },
              // Read by Prometheus alone (its scrapes); the sidecar does not mount it.
              ...(mounts.teamCredentialsSecret
                ? [{ name: "team-credentials", secret: { secretName: mounts.teamCredentialsSecret } }]
                : []),
              ...pod.volumes,
            ],
          },
        },
        // The TSDB, or an agent's write-ahead log holding what Receive has not taken yet: both survive a restart.
        volumeClaimTemplates: [persistentVolumeClaim("data", args.storageClassName, plan.sizing.prometheus.diskGiB)],
      },
    },
    w.opts,
  );
}

/** What Prometheus mounts in either mode. */
function prometheusMounts(mounts: PrometheusMounts, dataDir: string) {
  return [
    mount("config-out", PATHS.configOutDir),
    mount("secrets", PATHS.prometheusSecretsDir),
    mount("tls", PATHS.tlsDir),
    ...(mounts.teamCredentialsSecret ? [mount("team-credentials", PATHS.teamCredentialsDir)] : []),
    mount("data", dataDir, false),
  ];
}

/** A sidecar-mode shard: Prometheus evaluating the region's rules, and the Thanos sidecar that uploads its blocks. */
function sidecarPod(args: PrometheusShardsArgs): ShardPod {
  const { mounts } = args;
  const size = args.plan.sizing;
  const regionalArgs = clusterRegionalArgs(args.config, size);
  return {
    shareProcessNamespace: true,
    annotations: {},
    containers: [
      container({
        name: "prometheus",
        image: IMAGES.prometheus,
        args: regionalArgs.prometheus,
        ports: [{ name: "web", containerPort: PORTS.prometheusWeb }],
        resources: size.prometheus,
        volumeMounts: [
          ...prometheusMounts(mounts, PATHS.prometheusData),
          mount("rules", PATHS.rulesDir),
          mount("alertmanagers", PATHS.alertmanagerTargetsDir),
        ],
        probes: PROMETHEUS_PROBES,
      }),
      container({
        name: "thanos-sidecar",
        image: IMAGES.thanos,
        args: regionalArgs.sidecar,
        env: [fieldEnv("POD_NAME", "metadata.name")],
        ports: [
          { name: "grpc", containerPort: PORTS.thanosGrpc },
          { name: "sidecar-http", containerPort: PORTS.thanosHttp },
        ],
        resources: size.sidecar,
        volumeMounts: [
          mount("config", PATHS.configTemplateDir),
          mount("config-out", PATHS.configOutDir, false),
          mount("rules", PATHS.rulesDir),
          mount("secrets", PATHS.prometheusSecretsDir),
          mount("tls", PATHS.tlsDir),
          mount("objstore", PATHS.objstoreDir),
          // The shipper records what it uploaded in the TSDB directory.
          mount("data", PATHS.prometheusData, false),
        ],
        probes: httpProbes(PORTS.thanosHttp, PROBE_TIMING),
      }),
    ],
    volumes: [
      { name: "rules", configMap: { name: mounts.rulesConfigMap } },
      // Written by the global stack; the region runs (without alert delivery) before it exists.
      { name: "alertmanagers", configMap: { name: NAMES.alertmanagerTargetsConfigMap, optional: true } },
      { name: "objstore", secret: { secretName: mounts.objstoreSecret } },
    ],
  };
}

/**
 * A remote-write region's shard: Prometheus in agent mode, no sidecar. With no reloader beside it, a config
 * change rolls the pods (the config's checksum is in the template), and the write-ahead log on the volume
 * carries their samples over.
 */
function agentPod(config: ShardConfig, args: PrometheusShardsArgs): ShardPod {
  const { mounts } = args;
  if (!mounts.remoteWriteSecret)
    throw new Error(`stack '${args.config.stack}': a remote-write region's agents need their client certificate`);
  return {
    annotations: { "checksum/config": configChecksum(config.template) },
    containers: [
      container({
        name: "prometheus",
        image: IMAGES.prometheus,
        args: regionalAgentArgs(args.config),
        ports: [{ name: "web", containerPort: PORTS.prometheusWeb }],
        resources: args.plan.sizing.prometheus,
        volumeMounts: [...prometheusMounts(mounts, PATHS.agentData), mount("remote-write", PATHS.remoteWriteTlsDir)],
        probes: PROMETHEUS_PROBES,
      }),
    ],
    volumes: [{ name: "remote-write", secret: { secretName: mounts.remoteWriteSecret } }],
  };
}

/** Read access for service discovery and the kubelet's metrics, exactly what the scrape jobs use (builders/prometheus/rbac.ts). */
function discoveryRbac(w: Workload, rules: readonly PolicyRule[]): void {
  const role = new k8s.rbac.v1.ClusterRole(
    "monitoring-prometheus",
    {
      metadata: { name: "monitoring-prometheus", labels: w.labels },
      rules: rules.map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
    },
    w.opts,
  );
  new k8s.rbac.v1.ClusterRoleBinding(
    "monitoring-prometheus",
    {
      metadata: { name: "monitoring-prometheus", labels: w.labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
      subjects: [{ kind: "ServiceAccount", name: NAMES.prometheusServiceAccount, namespace: MONITORING_NAMESPACE }],
    },
    w.opts,
  );
}
