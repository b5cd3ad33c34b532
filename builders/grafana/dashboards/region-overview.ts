import { IN_REGION, nativeFirstQuantile, q, graph, regionVariables, single, stackDashboard } from "./helpers";

/**
 * One region and cluster: its traffic, targets and nodes, from the regional recording rules (`region:`,
 * `job:`, `instance:`), which are cheap to read over any time range.
 */
export function regionOverviewDashboard() {
  const sel = `{${IN_REGION}}`;
  return stackDashboard({
    uid: "region-overview",
    title: "Region overview",
    description: "One region's traffic, scrape targets and nodes, from the region's recording rules.",
    scope: "region",
    variables: regionVariables(),
    sections: [
      {
        title: "Traffic",
        panels: [
          single(
            "Requests per second",
            "reqps",
            "HTTP requests per second in the region.",
            q(`sum(region:http_requests:rate5m${sel})`, "requests"),
          ),
          single(
            "Error ratio",
            "percentunit",
            "Share of HTTP requests answered with a 5xx status.",
            q(`sum(region:http_request_errors:rate5m${sel}) / sum(region:http_requests:rate5m${sel})`, "errors"),
          ),
          single(
            "Targets up",
            "percentunit",
            "Share of the region's scrape targets that answered.",
            q(`sum(job:up:sum${sel}) / sum(job:up:count${sel})`, "up"),
          ),
          single(
            "Samples per scrape",
            "short",
            "Samples the region's targets returned in their last scrapes.",
            q(`sum(job:scrape_samples_scraped:sum${sel})`, "samples"),
          ),
          graph("Request rate and errors", "reqps", "Requests per second and those answered with a 5xx status.", [
            q(`sum(region:http_requests:rate5m${sel})`, "requests"),
            q(`sum(region:http_request_errors:rate5m${sel})`, "5xx"),
          ]),
          graph(
            "p95 latency",
            "s",
            "95th percentile of HTTP request duration over the region's shards: from the native histogram where the targets expose one, else from the classic buckets.",
            [q(nativeFirstQuantile(0.95, [], sel, "region"), "p95")],
          ),
        ],
      },
      {
        title: "Targets",
        panels: [
          graph("Targets up by job", "percentunit", "Share of each job's targets that answered their last scrape.", [
            q(`sum by (job) (job:up:sum${sel}) / sum by (job) (job:up:count${sel})`, "{{job}}"),
          ]),
          graph(
            "Samples scraped by job",
            "short",
            "Samples each job's targets returned in their last scrapes.",
            [q(`sum by (job) (job:scrape_samples_scraped:sum${sel})`, "{{job}}")],
            {
              stacked: true,
            },
          ),
        ],
      },
      {
        title: "Nodes",
        panels: [
          graph(
            "CPU utilisation",
            "percentunit",
            "Share of each node's CPU time not idle.",
            [q(`instance:node_cpu_utilisation:rate5m${sel}`, "{{instance}}")],
            { width: 8, max: 1 },
          ),
          graph(
            "Memory utilisation",
            "percentunit",
            "Share of each node's memory not available to new work.",
            [q(`instance:node_memory_utilisation:ratio${sel}`, "{{instance}}")],
            {
              width: 8,
              max: 1,
            },
          ),
          graph(
            "Fullest filesystem",
            "percentunit",
            "Each node's fullest filesystem.",
            [q(`instance:node_filesystem_utilisation:max_ratio${sel}`, "{{instance}}")],
            { width: 8, max: 1 },
          ),
        ],
      },
    ],
  });
}
