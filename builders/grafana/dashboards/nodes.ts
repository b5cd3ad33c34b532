import { SCRAPE_JOBS } from "../../prometheus/scrape-jobs";
import { IN_REGION, q, graph, regionVariables, stackDashboard } from "./helpers";

/** Every node of a region's cluster, from node-exporter: CPU, memory, disks, filesystems and network. */
export function nodesDashboard() {
  const node = `job="${SCRAPE_JOBS.nodeExporter}", ${IN_REGION}`;
  const rate = (metric: string, extra = "") => `rate(${metric}{${node}${extra}}[$__rate_interval])`;
  // The scrape job drops virtual and container filesystems; what has no fstype is not a filesystem.
  const fs = `${node}, fstype!=""`;
  const physical = `, device!="lo"`;
  return stackDashboard({
    uid: "nodes",
    title: "Nodes",
    description:
      "CPU, memory, disks, filesystems and network of every node of one region's cluster, from node-exporter.",
    scope: "region",
    variables: regionVariables(),
    sections: [
      {
        title: "CPU and memory",
        panels: [
          graph(
            "CPU utilisation",
            "percentunit",
            "Share of each node's CPU time not idle.",
            [q(`1 - avg by (instance) (${rate("node_cpu_seconds_total", ', mode="idle"')})`, "{{instance}}")],
            { max: 1 },
          ),
          graph(
            "Load per CPU",
            "short",
            "One-minute load average divided by the node's CPU count: above 1 work waits for a CPU.",
            [
              q(
                `node_load1{${node}} / on (instance) count by (instance) (node_cpu_seconds_total{${node}, mode="idle"})`,
                "{{instance}}",
              ),
            ],
          ),
          graph(
            "Memory utilisation",
            "percentunit",
            "Share of each node's memory not available to new work.",
            [q(`1 - node_memory_MemAvailable_bytes{${node}} / node_memory_MemTotal_bytes{${node}}`, "{{instance}}")],
            { max: 1 },
          ),
          graph("Memory available", "bytes", "Memory each node can give to new work without swapping.", [
            q(`node_memory_MemAvailable_bytes{${node}}`, "{{instance}}"),
          ]),
        ],
      },
      {
        title: "Disks and filesystems",
        panels: [
          graph("Disk throughput", "Bps", "Bytes read and written per second, per node.", [
            q(`sum by (instance) (${rate("node_disk_read_bytes_total")})`, "{{instance}} read"),
            q(`sum by (instance) (${rate("node_disk_written_bytes_total")})`, "{{instance}} written"),
          ]),
          graph(
            "Disk busy",
            "percentunit",
            "Share of time each device had I/O in flight.",
            [q(rate("node_disk_io_time_seconds_total"), "{{instance}} {{device}}")],
            { max: 1 },
          ),
          graph(
            "Filesystem used",
            "percentunit",
            "Share of each filesystem's space in use.",
            [
              q(
                `1 - node_filesystem_avail_bytes{${fs}} / node_filesystem_size_bytes{${fs}}`,
                "{{instance}} {{mountpoint}}",
              ),
            ],
            { max: 1 },
          ),
          graph("Filesystem space available", "bytes", "Space left to unprivileged users on each filesystem.", [
            q(`node_filesystem_avail_bytes{${fs}}`, "{{instance}} {{mountpoint}}"),
          ]),
        ],
      },
      {
        title: "Network",
        panels: [
          graph("Network throughput", "Bps", "Bytes received and sent per second on each node's physical interfaces.", [
            q(`sum by (instance) (${rate("node_network_receive_bytes_total", physical)})`, "{{instance}} received"),
            q(`sum by (instance) (${rate("node_network_transmit_bytes_total", physical)})`, "{{instance}} sent"),
          ]),
          graph("Network errors and drops", "pps", "Packets received or sent with errors, and packets dropped.", [
            q(
              `sum by (instance) (${rate("node_network_receive_errs_total", physical)} + ${rate("node_network_transmit_errs_total", physical)})`,
              "{{instance}} errors",
            ),
            q(
              `sum by (instance) (${rate("node_network_receive_drop_total", physical)} + ${rate("node_network_transmit_drop_total", physical)})`,
              "{{instance}} drops",
            ),
          ]),
        ],
      },
    ],
  });
}
