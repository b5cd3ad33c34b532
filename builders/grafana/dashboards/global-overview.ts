import { nativeFirstQuantile, q, graph, single, stackDashboard } from "./helpers";

/** Request rate, error ratio and p95 latency of every region, from the global recording rules. */
export function globalOverviewDashboard() {
  return stackDashboard({
    uid: "global-overview",
    title: "Global overview by region",
    description: "Every region's traffic at once, from the global recording rules of the federation Prometheus.",
    scope: "global",
    sections: [
      {
        title: "Regions",
        panels: [
          single(
            "Regions reporting",
            "short",
            "Regions whose targets reach the federation.",
            q("count(count by (region) (global:up:count))", "regions"),
          ),
          single(
            "Requests per second",
            "reqps",
            "HTTP requests per second over every region.",
            q("sum(global:http_requests:rate5m)", "all regions"),
          ),
          single(
            "Error ratio",
            "percentunit",
            "Share of HTTP requests answered with a 5xx status, over every region.",
            q("sum(global:http_request_errors:rate5m) / sum(global:http_requests:rate5m)", "all regions"),
          ),
          single(
            "Targets up",
            "percentunit",
            "Share of every region's scrape targets that answered.",
            q("sum(global:up:sum) / sum(global:up:count)", "all regions"),
          ),
        ],
      },
      {
        title: "Traffic by region",
        panels: [
          graph("Request rate", "reqps", "HTTP requests per second served in each region.", [
            q("sum by (region) (global:http_requests:rate5m)", "{{region}}"),
          ]),
          graph("Error rate", "percentunit", "Share of HTTP requests answered with a 5xx status.", [
            q(
              "sum by (region) (global:http_request_errors:rate5m) / sum by (region) (global:http_requests:rate5m)",
              "{{region}}",
            ),
          ]),
          graph(
            "p95 latency",
            "s",
            "95th percentile of HTTP request duration: from the region's summed native histogram where its targets expose one, else from its summed classic buckets.",
            [q(nativeFirstQuantile(0.95, ["region"], "", "global"), "{{region}}")],
          ),
        ],
      },
    ],
  });
}
