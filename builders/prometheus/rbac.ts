import type { KubernetesRole, ScrapeConfig } from "./types";

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** What each service discovery role lists and watches (discovery/kubernetes of Prometheus 3). */
const ROLE_READS: Record<KubernetesRole, readonly { group: string; resource: string }[]> = {
  node: [{ group: "", resource: "nodes" }],
  pod: [{ group: "", resource: "pods" }],
  // An endpoint slice target carries the labels of its Service and of the pod behind it.
  endpointslice: [
    { group: "discovery.k8s.io", resource: "endpointslices" },
    { group: "", resource: "services" },
    { group: "", resource: "pods" },
  ],
  service: [{ group: "", resource: "services" }],
};

/** A job that scrapes node targets where node discovery puts them: the kubelet's own HTTPS port. */
function scrapesKubelet(job: ScrapeConfig): boolean {
  return (
    job.scheme === "https" &&
    (job.kubernetes_sd_configs ?? []).some((sd) => sd.role === "node") &&
    !(job.relabel_configs ?? []).some((r) => r.target_label === "__address__")
  );
}

/**
 * The ClusterRole rules Prometheus needs for exactly these scrape jobs: list and watch what their discovery
 * roles read, and `get` on `nodes/metrics` when a job scrapes the kubelet (its /metrics and /metrics/cadvisor
 * are authorized as that subresource). Never `nodes/proxy`, never `get` on objects discovery only watches.
 */
export function discoveryRules(jobs: readonly ScrapeConfig[]): PolicyRule[] {
  const byGroup = new Map<string, Set<string>>();
  for (const sd of jobs.flatMap((j) => j.kubernetes_sd_configs ?? [])) {
    for (const { group, resource } of ROLE_READS[sd.role]) {
      if (!byGroup.has(group)) byGroup.set(group, new Set());
      byGroup.get(group)!.add(resource);
    }
  }
  const rules: PolicyRule[] = [...byGroup.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, resources]) => ({ apiGroups: [group], resources: [...resources].sort(), verbs: ["list", "watch"] }));
  if (jobs.some(scrapesKubelet)) rules.push({ apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] });
  return rules;
}
