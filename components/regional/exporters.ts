import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { podSecurityContext } from "../../builders/k8s/pod";
import {
  KUBE_STATE_METRICS_RESOURCES,
  NODE_EXPORTER_HOST_PATHS,
  kubeStateMetricsArgs,
  nodeExporterArgs,
} from "../../builders/regional/exporters";
import type { ClusterNetwork } from "../../builders/k8s/network-policies";
import { MONITORING_NAMESPACE, NAMES, PORTS, PROBE_TIMING } from "../../builders/regional/layout";
import { regionalTraffic } from "../../builders/regional/network-policies";
import type { RegionalSizing } from "../../builders/sizing";
import { IMAGES } from "../../versions";
import { container, httpProbe, httpProbes, metadata, networkPolicy, workload } from "../workload";

export interface ExportersArgs {
  readonly instance: string;
  readonly provider: k8s.Provider;
  readonly network: ClusterNetwork;
  /** Labels of every Prometheus pod of the region, the only scraper of kube-state-metrics. */
  readonly prometheusSelector: Readonly<Record<string, string>>;
  readonly sizing: RegionalSizing;
}

/** The version label of an exporter: its pinned image tag without the leading `v`. */
const imageTag = (image: string) => image.slice(image.lastIndexOf(":") + 1).replace(/^v/, "");

/**
 * node-exporter on every node and one kube-state-metrics. node-exporter uses the host's network and PID
 * namespaces (network and process metrics of the node, not of a pod) and reads /proc, /sys and / through
 * read-only mounts; it runs as nobody. NetworkPolicies do not apply to host-network pods: its port is
 * reachable from the node network only, as the node security groups / firewall rules allow.
 */
export class Exporters extends pulumi.ComponentResource {
  constructor(name: string, args: ExportersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:regional:Exporters", name, {}, opts);
    this.nodeExporter(args);
    this.kubeStateMetrics(args);
    this.registerOutputs({});
  }

  private nodeExporter(args: ExportersArgs): void {
    const w = workload(
      {
        name: NAMES.nodeExporter,
        instance: args.instance,
        component: "exporter",
        version: imageTag(IMAGES.nodeExporter),
      },
      MONITORING_NAMESPACE,
      { parent: this, provider: args.provider },
    );
    new k8s.core.v1.ServiceAccount(
      NAMES.nodeExporter,
      { metadata: metadata(w, NAMES.nodeExporter), automountServiceAccountToken: false },
      w.opts,
    );
    const hostPath = (name: string, path: string) => ({ name, hostPath: { path } });
    new k8s.apps.v1.DaemonSet(
      NAMES.nodeExporter,
      {
        metadata: metadata(w, NAMES.nodeExporter),
        spec: {
          selector: { matchLabels: w.selector },
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "10%" } },
          template: {
            metadata: { labels: w.labels },
            spec: {
              serviceAccountName: NAMES.nodeExporter,
              automountServiceAccountToken: false,
              hostNetwork: true,
              hostPID: true,
              securityContext: podSecurityContext(),
              // Every node, including tainted ones, is monitored.
              tolerations: [{ operator: "Exists" }],
              containers: [
                container({
                  name: "node-exporter",
                  image: IMAGES.nodeExporter,
                  args: nodeExporterArgs(),
                  ports: [{ name: "metrics", containerPort: PORTS.nodeExporter }],
                  resources: args.sizing.nodeExporter,
                  volumeMounts: [
                    { name: "proc", mountPath: NODE_EXPORTER_HOST_PATHS.proc, readOnly: true },
                    { name: "sys", mountPath: NODE_EXPORTER_HOST_PATHS.sys, readOnly: true },
                    {
                      name: "root",
                      mountPath: NODE_EXPORTER_HOST_PATHS.root,
                      readOnly: true,
                      mountPropagation: "HostToContainer",
                    },
                  ],
                  probes: httpProbes(PORTS.nodeExporter, { ...PROBE_TIMING, readyPath: "/", healthyPath: "/" }),
                }),
              ],
              volumes: [hostPath("proc", "/proc"), hostPath("sys", "/sys"), hostPath("root", "/")],
            },
          },
        },
      },
      w.opts,
    );
  }

  /** One replica: two would double every series it exports (Prometheus keeps them apart by instance). */
  private kubeStateMetrics(args: ExportersArgs): void {
    const w = workload(
      {
        name: NAMES.kubeStateMetrics,
        instance: args.instance,
        component: "exporter",
        version: imageTag(IMAGES.kubeStateMetrics),
      },
      MONITORING_NAMESPACE,
      { parent: this, provider: args.provider },
    );
    const account = new k8s.core.v1.ServiceAccount(
      NAMES.kubeStateMetrics,
      { metadata: metadata(w, NAMES.kubeStateMetrics) },
      w.opts,
    );
    const role = new k8s.rbac.v1.ClusterRole(
      `monitoring-${NAMES.kubeStateMetrics}`,
      {
        metadata: { name: `monitoring-${NAMES.kubeStateMetrics}`, labels: w.labels },
        rules: Object.entries(KUBE_STATE_METRICS_RESOURCES).map(([apiGroup, resources]) => ({
          apiGroups: [apiGroup],
          resources: [...resources],
          verbs: ["list", "watch"],
        })),
      },
      w.opts,
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      `monitoring-${NAMES.kubeStateMetrics}`,
      {
        metadata: { name: `monitoring-${NAMES.kubeStateMetrics}`, labels: w.labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace: account.metadata.namespace }],
      },
      w.opts,
    );
    new k8s.apps.v1.Deployment(
      NAMES.kubeStateMetrics,
      {
        metadata: metadata(w, NAMES.kubeStateMetrics),
        spec: {
          replicas: 1,
          selector: { matchLabels: w.selector },
          template: {
            metadata: { labels: w.labels },
            spec: {
              serviceAccountName: NAMES.kubeStateMetrics,
              securityContext: podSecurityContext(),
              containers: [
                container({
                  name: "kube-state-metrics",
                  image: IMAGES.kubeStateMetrics,
                  args: kubeStateMetricsArgs(),
                  ports: [
                    { name: "http-metrics", containerPort: PORTS.kubeStateMetrics },
                    { name: "telemetry", containerPort: PORTS.kubeStateMetricsTelemetry },
                  ],
                  resources: args.sizing.kubeStateMetrics,
                  probes: {
                    liveness: httpProbe("/healthz", PORTS.kubeStateMetrics, {
                      timeoutSeconds: PROBE_TIMING.timeoutSeconds,
                      failureThreshold: 6,
                    }),
                    readiness: httpProbe("/", PORTS.kubeStateMetricsTelemetry, {
                      timeoutSeconds: PROBE_TIMING.timeoutSeconds,
                      failureThreshold: PROBE_TIMING.readinessFailureThreshold,
                    }),
                  },
                }),
              ],
            },
          },
        },
      },
      w.opts,
    );
    new k8s.core.v1.Service(
      NAMES.kubeStateMetrics,
      {
        metadata: metadata(w, NAMES.kubeStateMetrics),
        spec: {
          selector: w.selector,
          ports: [
            { name: "http-metrics", port: PORTS.kubeStateMetrics, targetPort: "http-metrics" },
            { name: "telemetry", port: PORTS.kubeStateMetricsTelemetry, targetPort: "telemetry" },
          ],
        },
      },
      w.opts,
    );
    networkPolicy(
      w,
      NAMES.kubeStateMetrics,
      regionalTraffic(
        w.selector,
        [
          { port: PORTS.kubeStateMetrics, from: "prometheus" },
          { port: PORTS.kubeStateMetricsTelemetry, from: "prometheus" },
        ],
        "kubernetes-api",
        args.prometheusSelector,
      ),
      args.network,
    );
  }
}
