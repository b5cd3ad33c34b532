import { parseDuration } from "../../config/duration";
import type { StaticScrapeJob } from "../../config/types";
import { hashmodSharding, type ShardPosition } from "./sharding";
import type { KubernetesRole, KubernetesSdConfig, RelabelConfig, ScrapeConfig } from "./types";

/**
 * Names of the jobs every regional Prometheus runs over the stack's own exporters and itself, for whatever
 * reads their series (the dashboards) to select them by. The Thanos job names each series after its workload.
 */
export const SCRAPE_JOBS = {
  kubelet: "kubelet",
  cadvisor: "cadvisor",
  nodeExporter: "node-exporter",
  kubeStateMetrics: "kube-state-metrics",
  prometheus: "prometheus",
  sidecar: "thanos-sidecar",
} as const;

/** What every job needs to know besides its own targets. */
export interface ScrapeJobSettings {
  readonly position: ShardPosition;
  /** Per-job limits: a target above them fails its scrape instead of flooding the TSDB. */
  readonly sampleLimit: number;
  readonly labelLimit: number;
  readonly monitoringNamespace: string;
  /** Files the in-cluster jobs authenticate to the Kubernetes API with. */
  readonly serviceAccountTokenFile: string;
  readonly serviceAccountCaFile: string;
  /** Names of the region's own exporters and Thanos workloads (their `app.kubernetes.io/name`). */
  readonly nodeExporterName: string;
  readonly kubeStateMetricsName: string;
  readonly thanosWorkloadNames: readonly string[];
}

/**
 * cAdvisor and kube-state-metrics expose one series per container or object of the whole cluster or node,
 * so a healthy target carries many times what an application does; their limits are this multiple of the
 * configured per-target limit.
 */
export const CLUSTER_WIDE_TARGET_SAMPLE_FACTOR = 10;

/** Series nobody queries that make up a large share of cAdvisor's and the kubelet's output. */
const CADVISOR_DROPS =
  "container_(tasks_state|memory_failures_total|blkio_device_usage_total|network_tcp_usage_total|network_udp_usage_total|file_descriptors|sockets|threads_max)";
const KUBELET_DROPS =
  "(kubelet_runtime_operations_duration_seconds_bucket|rest_client_request_duration_seconds_bucket|storage_operation_duration_seconds_bucket|kubelet_pod_worker_duration_seconds_bucket)";
const KUBE_STATE_METRICS_DROPS =
  "kube_(pod_status_scheduled_time|pod_tolerations|replicaset_(created|metadata_generation|status_observed_generation))";
/** Go runtime internals every Go exporter repeats; the essentials (heap, goroutines, GC pauses) are kept. */
const GO_RUNTIME_DROPS = "go_(gc_heap_.*|gc_scan_.*|godebug_.*|sync_mutex_.*|cpu_classes_.*|sched_gomaxprocs_threads)";

function drop(regex: string): RelabelConfig {
  return { source_labels: ["__name__"], regex, action: "drop" };
}

export function kubernetesSd(
  role: KubernetesRole,
  namespaces?: readonly string[],
  labelSelector?: string,
): KubernetesSdConfig[] {
  return [
    {
      role,
      ...(namespaces ? { namespaces: { names: namespaces } } : {}),
      ...(labelSelector ? { selectors: [{ role, label: labelSelector }] } : {}),
    },
  ];
}

/** Keeps the namespace and pod of pod-backed targets as labels, so a target can be found in the cluster. */
export const POD_LABELS: RelabelConfig[] = [
  { source_labels: ["__meta_kubernetes_namespace"], target_label: "namespace", action: "replace" },
  { source_labels: ["__meta_kubernetes_pod_name"], target_label: "pod", action: "replace" },
];

export function limits(settings: ScrapeJobSettings, factor = 1) {
  return { sample_limit: settings.sampleLimit * factor, label_limit: settings.labelLimit };
}

/**
 * Kubelet and cAdvisor, scraped on each node's kubelet port (10250, which node discovery puts into
 * `__address__`) with the service account token. The kubelet
 * authorizes `/metrics` and `/metrics/cadvisor` as `nodes/metrics` (pkg/kubelet/server/auth.go), which
 * allows nothing but reading metrics; the API server's node proxy would need `nodes/proxy`, which lets a
 * token run commands in any container of the node. The kubelet's serving certificate is verified against
 * the cluster CA (EKS and GKE nodes get theirs signed by it); a node whose kubelet signs its own fails its
 * scrapes (TargetDown) rather than receive the token unverified.
 */
function kubeletJob(
  settings: ScrapeJobSettings,
  job: string,
  path: string,
  dropRegex: string,
  factor: number,
): ScrapeConfig {
  return {
    job_name: job,
    scheme: "https",
    metrics_path: path,
    ...limits(settings, factor),
    authorization: { credentials_file: settings.serviceAccountTokenFile },
    tls_config: { ca_file: settings.serviceAccountCaFile },
    kubernetes_sd_configs: kubernetesSd("node"),
    relabel_configs: [
      ...hashmodSharding(settings.position),
      {
        source_labels: ["__meta_kubernetes_node_label_topology_kubernetes_io_zone"],
        target_label: "zone",
        action: "replace",
      },
      { source_labels: ["__meta_kubernetes_node_name"], target_label: "node", action: "replace" },
    ],
    metric_relabel_configs: [drop(dropRegex)],
  };
}

/**
 * Targets users bring (annotated workloads, static jobs) may answer without a Content-Type, or with one
 * Prometheus 3 does not know (a hand-written `/metrics` handler, an old exporter): read those as the classic
 * text format, as Prometheus 2 did, instead of failing the scrape.
 */
export const USER_TARGETS = { fallback_scrape_protocol: "PrometheusText0.0.4" } as const;

/** How the two opt-in jobs differ: which object carries the `prometheus.io/*` annotations. */
interface OptIn {
  readonly job: string;
  readonly role: "pod" | "endpointslice";
  /** `pod` or `service`: the meta label prefix of the annotated object. */
  readonly object: "pod" | "service";
  /** Targets that are not serving. */
  readonly skip: RelabelConfig;
  readonly label: RelabelConfig;
}

/**
 * Workloads that opt in with the `prometheus.io/scrape: "true"` annotation (and optionally
 * `prometheus.io/port`, `prometheus.io/path`) on their pods or on their Service.
 */
function annotatedJob(settings: ScrapeJobSettings, optIn: OptIn): ScrapeConfig {
  const annotation = (name: string) => `__meta_kubernetes_${optIn.object}_annotation_prometheus_io_${name}`;
  return {
    job_name: optIn.job,
    ...USER_TARGETS,
    ...limits(settings),
    kubernetes_sd_configs: kubernetesSd(optIn.role),
    relabel_configs: [
      { source_labels: [annotation("scrape")], regex: "true", action: "keep" },
      optIn.skip,
      { source_labels: [annotation("path")], regex: "(.+)", target_label: "__metrics_path__", action: "replace" },
      {
        source_labels: ["__address__", annotation("port")],
        regex: "([^:]+)(?::\\d+)?;(\\d+)",
        replacement: "$1:$2",
        target_label: "__address__",
        action: "replace",
      },
      // Hashed on the final address: a pod listed once per container port collapses to one address above,
      // and every copy must land on the same shard for Prometheus to deduplicate it.
      ...hashmodSharding(settings.position),
      ...POD_LABELS,
      optIn.label,
    ],
    metric_relabel_configs: [drop(GO_RUNTIME_DROPS)],
  };
}

/** The job of pods that opt in by annotation (the region gateway among them). */
export const ANNOTATED_PODS_JOB = "kubernetes-pods";

const ANNOTATED_PODS: OptIn = {
  job: ANNOTATED_PODS_JOB,
  role: "pod",
  object: "pod",
  skip: { source_labels: ["__meta_kubernetes_pod_phase"], regex: "Pending|Succeeded|Failed", action: "drop" },
  label: { source_labels: ["__meta_kubernetes_pod_container_name"], target_label: "container", action: "replace" },
};

/** Every ready endpoint behind an annotated Service. */
const ANNOTATED_SERVICES: OptIn = {
  job: "kubernetes-service-endpoints",
  role: "endpointslice",
  object: "service",
  skip: { source_labels: ["__meta_kubernetes_endpointslice_endpoint_conditions_ready"], regex: "true", action: "keep" },
  label: { source_labels: ["__meta_kubernetes_service_name"], target_label: "service", action: "replace" },
};

/** The region's node-exporter DaemonSet (host network: the pod address is the node's). */
function nodeExporterJob(settings: ScrapeJobSettings): ScrapeConfig {
  return {
    job_name: SCRAPE_JOBS.nodeExporter,
    ...limits(settings),
    kubernetes_sd_configs: kubernetesSd(
      "pod",
      [settings.monitoringNamespace],
      `app.kubernetes.io/name=${settings.nodeExporterName}`,
    ),
    relabel_configs: [
      { source_labels: ["__meta_kubernetes_pod_container_port_name"], regex: "metrics", action: "keep" },
      ...hashmodSharding(settings.position),
      { source_labels: ["__meta_kubernetes_pod_node_name"], target_label: "instance", action: "replace" },
      { source_labels: ["__meta_kubernetes_pod_node_name"], target_label: "node", action: "replace" },
    ],
    metric_relabel_configs: [
      drop(GO_RUNTIME_DROPS),
      // Virtual and container interfaces and filesystems multiply series by the number of pods on a node.
      { source_labels: ["__name__", "device"], regex: "node_network_.+;(veth|cali|eni|lxc|gke).*", action: "drop" },
      {
        source_labels: ["__name__", "fstype"],
        regex: "node_filesystem_.+;(tmpfs|overlay|squashfs|nsfs)",
        action: "drop",
      },
    ],
  };
}

/** kube-state-metrics' main port (object state), through its Service's endpoints. */
function kubeStateMetricsJob(settings: ScrapeJobSettings): ScrapeConfig {
  return {
    job_name: SCRAPE_JOBS.kubeStateMetrics,
    // Its series describe other objects: their own namespace/pod labels must win over the target's.
    honor_labels: true,
    ...limits(settings, CLUSTER_WIDE_TARGET_SAMPLE_FACTOR),
    kubernetes_sd_configs: kubernetesSd("endpointslice", [settings.monitoringNamespace]),
    relabel_configs: [
      { source_labels: ["__meta_kubernetes_service_name"], regex: settings.kubeStateMetricsName, action: "keep" },
      { source_labels: ["__meta_kubernetes_endpointslice_port_name"], regex: "http-metrics", action: "keep" },
      ...hashmodSharding(settings.position),
    ],
    metric_relabel_configs: [drop(KUBE_STATE_METRICS_DROPS)],
  };
}

/** Thanos store gateways and compactor of the region: their HTTP port serves metrics. */
function thanosJob(settings: ScrapeJobSettings): ScrapeConfig {
  return {
    job_name: "thanos",
    ...limits(settings),
    kubernetes_sd_configs: kubernetesSd("pod", [settings.monitoringNamespace]),
    relabel_configs: [
      {
        source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"],
        regex: settings.thanosWorkloadNames.join("|"),
        action: "keep",
      },
      { source_labels: ["__meta_kubernetes_pod_container_port_name"], regex: "http", action: "keep" },
      ...hashmodSharding(settings.position),
      // job = the workload, so alerts can tell a store gateway from the compactor.
      { source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"], target_label: "job", action: "replace" },
      ...POD_LABELS,
    ],
    metric_relabel_configs: [drop(GO_RUNTIME_DROPS)],
  };
}

/** Prometheus' default timeout, shortened to the interval when the interval is shorter (it must not exceed it). */
export function scrapeTimeout(interval: string): string {
  const seconds = parseDuration(interval);
  if (seconds === undefined) throw new Error(`'${interval}' is not a Prometheus duration`);
  return seconds < 10 ? interval : "10s";
}

/**
 * Each replica scrapes itself and its own sidecar on localhost, whatever its shard: these are the series the
 * stack's own alerts (rule failures, upload failures) read, and they must exist on every pod.
 */
export function selfJobs(settings: ScrapeJobSettings, web: LocalWebAccess): ScrapeConfig[] {
  const prometheus: ScrapeConfig = {
    job_name: SCRAPE_JOBS.prometheus,
    scheme: "https",
    ...limits(settings),
    basic_auth: { username: web.username, password_file: web.passwordFile },
    tls_config: { ca_file: web.caFile, server_name: web.serverName },
    static_configs: [{ targets: [`localhost:${web.port}`] }],
  };
  if (web.sidecarHttpPort === undefined) return [prometheus];
  return [
    prometheus,
    {
      job_name: SCRAPE_JOBS.sidecar,
      ...limits(settings),
      static_configs: [{ targets: [`localhost:${web.sidecarHttpPort}`] }],
      metric_relabel_configs: [drop(GO_RUNTIME_DROPS)],
    },
  ];
}

/** How a pod reaches its own Prometheus web endpoint (HTTPS with basic auth). */
export interface LocalWebAccess {
  readonly port: number;
  /** Absent where Prometheus runs without a sidecar (the local topology). */
  readonly sidecarHttpPort?: number;
  readonly username: string;
  readonly passwordFile: string;
  readonly caFile: string;
  readonly serverName: string;
}

/** Jobs every shard runs over the cluster's discovered targets, each shard keeping its hash share. */
export function kubernetesJobs(settings: ScrapeJobSettings): ScrapeConfig[] {
  return [
    kubeletJob(settings, SCRAPE_JOBS.kubelet, "/metrics", KUBELET_DROPS, 1),
    kubeletJob(settings, SCRAPE_JOBS.cadvisor, "/metrics/cadvisor", CADVISOR_DROPS, CLUSTER_WIDE_TARGET_SAMPLE_FACTOR),
    annotatedJob(settings, ANNOTATED_PODS),
    annotatedJob(settings, ANNOTATED_SERVICES),
    nodeExporterJob(settings),
    kubeStateMetricsJob(settings),
    thanosJob(settings),
  ];
}

/**
 * Jobs from config. A job pinned to a shard (functional sharding) is scraped whole by that shard and by no
 * other; an unpinned job is split by hashmod like the discovered ones.
 */
export function staticJobs(jobs: readonly StaticScrapeJob[], settings: ScrapeJobSettings): ScrapeConfig[] {
  return jobs
    .filter((job) => job.shard === undefined || job.shard === settings.position.shard)
    .map((job) => {
      const sharding = job.shard === undefined ? hashmodSharding(settings.position) : [];
      return {
        job_name: job.job,
        ...(job.scrapeInterval
          ? { scrape_interval: job.scrapeInterval, scrape_timeout: scrapeTimeout(job.scrapeInterval) }
          : {}),
        metrics_path: job.metricsPath,
        scheme: job.scheme,
        ...USER_TARGETS,
        ...limits(settings),
        static_configs: [{ targets: job.targets }],
        ...(sharding.length > 0 ? { relabel_configs: sharding } : {}),
      };
    });
}
