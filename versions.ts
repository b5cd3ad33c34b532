/**
 * Every version the program deploys and the local topology runs, in one place. Images derive from these, and
 * `npm run setup` builds the same versions of the Go binaries for the tests and the local topology.
 *
 * Prometheus 3.13 is the current long-term-support line (supported until July 2027). Thanos 0.42.4 is the
 * newest release whose go.mod the machines' Go 1.26.8 toolchain accepts (0.42.5 asks for Go 1.26.10).
 */
export const VERSIONS = {
  prometheus: "3.13.5",
  alertmanager: "0.35.0",
  thanos: "0.42.4",
  nodeExporter: "1.12.1",
  kubeStateMetrics: "2.16.0",
  grafana: "12.1.1",
  /** Its minor must be the EKS cluster's Kubernetes minor (`cluster.kubernetesVersion`); the component checks. */
  clusterAutoscaler: "1.33.0",
  /**
   * The in-region gateway; 2.6 is an LTS line (fixes until Q2 2027) and Debian bookworm's, which the local
   * topology runs. Debian's build carries security fixes on top of the upstream release the image has.
   */
  haproxy: "2.6.12",
  /** The Query Frontend's shared results cache; Debian bookworm's, which the local topology runs. */
  memcached: "1.6.18",
} as const;

/** Where each image lives; the tag is always `v<version>` except Grafana's and the Docker official images', which have no `v`. */
export const IMAGES = {
  prometheus: `quay.io/prometheus/prometheus:v${VERSIONS.prometheus}`,
  alertmanager: `quay.io/prometheus/alertmanager:v${VERSIONS.alertmanager}`,
  nodeExporter: `quay.io/prometheus/node-exporter:v${VERSIONS.nodeExporter}`,
  kubeStateMetrics: `registry.k8s.io/kube-state-metrics/kube-state-metrics:v${VERSIONS.kubeStateMetrics}`,
  thanos: `quay.io/thanos/thanos:v${VERSIONS.thanos}`,
  grafana: `docker.io/grafana/grafana:${VERSIONS.grafana}`,
  clusterAutoscaler: `registry.k8s.io/autoscaling/cluster-autoscaler:v${VERSIONS.clusterAutoscaler}`,
  haproxy: `docker.io/library/haproxy:${VERSIONS.haproxy}`,
  memcached: `docker.io/library/memcached:${VERSIONS.memcached}`,
} as const;

/** Local-only servers that stand in for the clouds' object stores (never deployed). */
export const LOCAL_TOOL_VERSIONS = {
  /** GCS emulator, BSD-2-Clause, from the Go module proxy. */
  fakeGcsServer: "1.56.1",
  /** S3-compatible server, Apache-2.0, from PyPI (`moto[server]`). */
  moto: "5.2.5",
} as const;

/**
 * The Pulumi engine and a Kubernetes control plane, built by `npm run setup` from the Go module proxy for the
 * engine tests (never deployed).
 */
export const ENGINE_TOOL_VERSIONS = {
  /** The CLI (`github.com/pulumi/pulumi/pkg/v3`): a current release; the CLI drives older SDKs such as the lockfile's 3.248. */
  pulumi: "3.276.0",
  /**
   * The Kubernetes provider: the proxy serves `provider/v4` only at one pseudo-version
   * (`PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION`). `@pulumi/kubernetes` in package.json is pinned to the same release.
   */
  pulumiKubernetes: "4.25.0",
  /** kube-apiserver's store: Kubernetes 1.36's go.mod requires the etcd 3.6 client; this is a 3.6 patch release. */
  etcd: "3.6.17",
  /** kube-apiserver, kube-controller-manager and kube-scheduler: the 1.36 line, which KWOK 0.8.0 targets (its default is 1.36.1). */
  kubernetes: "1.36.3",
  /** Fake nodes and pods for the control plane (no kubelet or container runtime here). */
  kwok: "0.8.0",
} as const;

/** The provider's Go module is not tagged; this pseudo-version is the commit tagged v4.25.0, the only one served. */
export const PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION = "v4.0.0-20260115033456-f47bc2d6f199";
