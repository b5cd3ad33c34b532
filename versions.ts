/**
 * Every image the program deploys, pinned in one place. The builders take versions as parameters where the
 * local topology runs older Debian binaries (Prometheus 2.42, Alertmanager 0.25); these are the cluster's.
 */
export const IMAGES = {
  prometheus: "quay.io/prometheus/prometheus:v3.5.0",
  alertmanager: "quay.io/prometheus/alertmanager:v0.28.1",
  nodeExporter: "quay.io/prometheus/node-exporter:v1.9.1",
  kubeStateMetrics: "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.16.0",
  thanos: "quay.io/thanos/thanos:v0.42.4",
  grafana: "docker.io/grafana/grafana:12.1.1",
} as const;

/** The versions the rendered configs target in the clusters; the builders change syntax by version where needed. */
export const VERSIONS = {
  prometheus: "3.5.0",
  alertmanager: "0.28.1",
  thanos: "0.42.4",
  grafana: "12.1.1",
} as const;
