import { SCRAPE_JOBS } from "../../prometheus/scrape-jobs";
import { IN_REGION, q, graph, regionLabelVariable, regionVariables, stackDashboard } from "./helpers";

/**
 * CPU and memory of the region's workloads, by namespace and then by pod, against what they request and
 * are limited to: usage from cAdvisor (through the kubelet), requests and limits from kube-state-metrics.
 */
export function workloadsDashboard() {
  // cAdvisor also reports the pod's own cgroup (no container) and the pause container (no image).
  const containers = `job="${SCRAPE_JOBS.cadvisor}", container!="", image!="", ${IN_REGION}`;
  const state = `job="${SCRAPE_JOBS.kubeStateMetrics}", ${IN_REGION}`;
  const cpu = (extra: string) => `rate(container_cpu_usage_seconds_total{${containers}${extra}}[$__rate_interval])`;
  const memory = (extra: string) => `container_memory_working_set_bytes{${containers}${extra}}`;
  const declared = (kind: "requests" | "limits", resource: "cpu" | "memory", extra: string) =>
    `kube_pod_container_resource_${kind}{${state}, resource="${resource}"${extra}}`;
  const inNamespace = ', namespace=~"$namespace"';
  const byNamespace = (resource: "cpu" | "memory", usage: string, unit: string) =>
    graph(
      `${resource === "cpu" ? "CPU" : "Memory"} by namespace`,
      unit,
      `${resource === "cpu" ? "CPU cores used" : "Working-set memory"} per namespace, and the cluster's requests and limits.`,
      [
        q(`sum by (namespace) (${usage})`, "{{namespace}}"),
        q(`sum(${declared("requests", resource, "")})`, "requests (all namespaces)"),
        q(`sum(${declared("limits", resource, "")})`, "limits (all namespaces)"),
      ],
    );
  // By namespace and pod: with "All" namespaces, pods of the same name in two namespaces stay apart.
  const perPod = (expr: string) => `sum by (namespace, pod) (${expr})`;
  const pod = "{{namespace}}/{{pod}}";
  const ofRequests = (resource: "cpu" | "memory", usage: string) =>
    `${perPod(usage)} / ${perPod(declared("requests", resource, inNamespace))}`;
  return stackDashboard({
    uid: "workloads",
    title: "Workloads: compute resources",
    description:
      "CPU and memory per namespace and pod against requests and limits, from cAdvisor and kube-state-metrics.",
    scope: "region",
    variables: [...regionVariables(), regionLabelVariable("namespace", "Namespace", `kube_pod_info{${state}}`)],
    sections: [
      {
        title: "Cluster",
        panels: [byNamespace("cpu", cpu(""), "short"), byNamespace("memory", memory(""), "bytes")],
      },
      {
        title: "Pods of $namespace",
        panels: [
          graph("CPU by pod", "short", "CPU cores each pod uses.", [q(perPod(cpu(inNamespace)), pod)]),
          graph(
            "CPU of requests",
            "percentunit",
            "CPU used as a share of what each pod requests; above 1 the pod borrows idle CPU.",
            [q(ofRequests("cpu", cpu(inNamespace)), pod)],
          ),
          graph(
            "Memory by pod",
            "bytes",
            "Working-set memory of each pod, what the kubelet evicts and the kernel kills on.",
            [q(perPod(memory(inNamespace)), pod)],
          ),
          graph(
            "Memory of limits",
            "percentunit",
            "Working-set memory as a share of each pod's limit: at 1 the container is OOM-killed.",
            [q(`${perPod(memory(inNamespace))} / ${perPod(declared("limits", "memory", inNamespace))}`, pod)],
            { max: 1 },
          ),
          graph(
            "Memory of requests",
            "percentunit",
            "Working-set memory as a share of what each pod requests; pods above 1 are evicted first.",
            [q(ofRequests("memory", memory(inNamespace)), pod)],
          ),
          graph(
            "CPU throttling",
            "percentunit",
            "Share of scheduling periods in which each pod hit its CPU limit.",
            [
              q(
                `${perPod(`rate(container_cpu_cfs_throttled_periods_total{${containers}${inNamespace}}[$__rate_interval])`)} / ${perPod(`rate(container_cpu_cfs_periods_total{${containers}${inNamespace}}[$__rate_interval])`)}`,
                pod,
              ),
            ],
            { max: 1 },
          ),
          graph("Container restarts", "short", "Restarts of each pod's containers over the last hour.", [
            q(perPod(`increase(kube_pod_container_status_restarts_total{${state}${inNamespace}}[1h])`), pod),
          ]),
        ],
      },
    ],
  });
}
