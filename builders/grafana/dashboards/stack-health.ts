import { ALERTMANAGER_SCRAPE_JOB } from "../../federation/config";
import { FEDERATION_OWN_SERIES } from "../../federation/series";
import { q, graph, stackDashboard } from "./helpers";

/** Health of the monitoring stack itself: scrape targets, sidecar uploads, compactors, the Alertmanager mesh. */
export function stackHealthDashboard() {
  const amJob = `job="${ALERTMANAGER_SCRAPE_JOB}"`;
  return stackDashboard({
    uid: "monitoring-stack-health",
    title: "Monitoring stack health",
    description: "The stack's own health in every region, from the global recording rules and the Alertmanager peers.",
    scope: "global",
    sections: [
      {
        title: "Every region",
        panels: [
          graph("Targets up", "percentunit", "Share of each region's scrape targets that answered their last scrape.", [
            q("sum by (region) (global:up:sum) / sum by (region) (global:up:count)", "{{region}}"),
          ]),
          graph(
            "Sidecar uploads",
            "ops",
            "Blocks the Thanos sidecars upload to each region's bucket, and failed uploads.",
            [
              q("sum by (region) (global:thanos_shipper_uploads:rate5m)", "{{region}} uploads"),
              q("sum by (region) (global:thanos_shipper_upload_failures:rate5m)", "{{region}} failures"),
            ],
          ),
          graph(
            "Compactor halted",
            "bool",
            "1 when a region's compactor has halted on an error and needs an operator.",
            [q("max by (region) (global:thanos_compact_halted:max)", "{{region}}")],
          ),
          graph(
            "Alertmanager cluster size",
            "short",
            "Peers each Alertmanager sees in the mesh, and peers answering scrapes.",
            [
              q(`min(${FEDERATION_OWN_SERIES.alertmanagerMembers}{${amJob}})`, "members seen (min)"),
              q(`count(${FEDERATION_OWN_SERIES.up}{${amJob}} == 1)`, "peers up"),
            ],
          ),
        ],
      },
    ],
  });
}
