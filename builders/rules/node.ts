import type { AlertingRule, RuleGroup, Severity } from "./types";

const DAY = 24 * 3600;
const HOUR = 3600;

/** A threshold pair of the filling alerts: below `percent` left, and at the past 6h rate empty within `within` seconds. */
interface Filling {
  readonly severity: Severity;
  readonly percent: number;
  readonly within: number;
  readonly withinText: string;
}

/** The node-mixin's thresholds: plenty of warning while there is room, and a page when hours are left. */
const FILLING: readonly Filling[] = [
  { severity: "warning", percent: 40, within: DAY, withinText: "24 hours" },
  { severity: "critical", percent: 20, within: 4 * HOUR, withinText: "4 hours" },
];
/** Left over, whatever the rate: at these a full disk is minutes of log growth away. */
const ALMOST_OUT: readonly { severity: Severity; percent: number }[] = [
  { severity: "warning", percent: 5 },
  { severity: "critical", percent: 3 },
];

/** Clock offset from the NTP reference the kernel reports, beyond which TLS, Thanos block times and rule evaluation suffer. */
const CLOCK_SKEW_SECONDS = 0.05;
/** Share of packets with errors on an interface above which the network, not the application, is suspect. */
const NETWORK_ERROR_RATIO = 0.01;

/**
 * Alerts on the nodes, from node-exporter (one target per node, its `instance` the node's name), written after
 * what the node-mixin covers. The exporter's scrape job already drops virtual filesystems and interfaces.
 */
export function nodeAlerts(job: string): RuleGroup<AlertingRule> {
  const sel = (extra = "") => `{job="${job}"${extra}}`;
  const fs = sel(', fstype!="", mountpoint!=""');
  const writable = `node_filesystem_readonly${fs} == 0`;
  const share = (free: string, total: string) => `${free}${fs} / ${total}${fs} * 100`;
  const space = share("node_filesystem_avail_bytes", "node_filesystem_size_bytes");
  const files = share("node_filesystem_files_free", "node_filesystem_files");
  const filling = (alert: string, what: string, left: string, free: string): AlertingRule[] =>
    FILLING.map((f) => ({
      alert,
      expr: `(${left} < ${f.percent} and predict_linear(${free}${fs}[6h], ${f.within}) < 0 and ${writable})`,
      for: "1h",
      labels: { severity: f.severity },
      annotations: {
        summary: `A filesystem is predicted to run out of ${what} within ${f.withinText}.`,
        description: `Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} has {{ $value | humanize }}% of its ${what} left and fills at a rate that leaves none within ${f.withinText}.`,
      },
    }));
  const almostOut = (alert: string, what: string, left: string, forTime: string): AlertingRule[] =>
    ALMOST_OUT.map((a) => ({
      alert,
      expr: `(${left} < ${a.percent} and ${writable})`,
      for: forTime,
      labels: { severity: a.severity },
      annotations: {
        summary: `A filesystem has less than ${a.percent}% of its ${what} left.`,
        description: `Filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} has {{ $value | humanize }}% of its ${what} left.`,
      },
    }));
  const networkErrors = (alert: string, direction: "receive" | "transmit"): AlertingRule => ({
    alert,
    expr: `rate(node_network_${direction}_errs_total${sel()}[2m]) / rate(node_network_${direction}_packets_total${sel()}[2m]) > ${NETWORK_ERROR_RATIO}`,
    for: "1h",
    labels: { severity: "warning" },
    annotations: {
      summary: `A network interface reports many ${direction} errors.`,
      description: `Interface {{ $labels.device }} on {{ $labels.instance }} has had {{ $value | humanizePercentage }} of its packets ${direction === "receive" ? "received" : "transmitted"} with errors for an hour.`,
    },
  });
  return {
    name: "node",
    rules: [
      ...filling("NodeFilesystemSpaceFillingUp", "space", space, "node_filesystem_avail_bytes"),
      ...almostOut("NodeFilesystemAlmostOutOfSpace", "space", space, "30m"),
      ...filling("NodeFilesystemFilesFillingUp", "inodes", files, "node_filesystem_files_free"),
      ...almostOut("NodeFilesystemAlmostOutOfFiles", "inodes", files, "1h"),
      {
        alert: "NodeMemoryHighUtilization",
        expr: `100 - (node_memory_MemAvailable_bytes${sel()} / node_memory_MemTotal_bytes${sel()} * 100) > 90`,
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "A node is running out of memory.",
          description:
            "{{ $labels.instance }} has used {{ $value | humanize }}% of its memory for 15 minutes: pods will be evicted or OOM-killed.",
        },
      },
      {
        alert: "NodeClockSkewDetected",
        // Only while the offset is not already shrinking: a clock being corrected is left to finish.
        expr:
          `(node_timex_offset_seconds${sel()} > ${CLOCK_SKEW_SECONDS} and deriv(node_timex_offset_seconds${sel()}[5m]) >= 0)` +
          ` or (node_timex_offset_seconds${sel()} < -${CLOCK_SKEW_SECONDS} and deriv(node_timex_offset_seconds${sel()}[5m]) <= 0)`,
        for: "10m",
        labels: { severity: "warning" },
        annotations: {
          summary: "A node's clock is skewed.",
          description:
            "The clock of {{ $labels.instance }} is {{ $value | humanize }}s off its time source and not converging.",
        },
      },
      {
        alert: "NodeClockNotSynchronising",
        // 16s is the kernel's maximum error of a clock that has lost its source.
        expr: `min_over_time(node_timex_sync_status${sel()}[5m]) == 0 and node_timex_maxerror_seconds${sel()} >= 16`,
        for: "10m",
        labels: { severity: "warning" },
        annotations: {
          summary: "A node's clock is not synchronising.",
          description:
            "The clock of {{ $labels.instance }} has not been synchronised with a time source for 10 minutes.",
        },
      },
      networkErrors("NodeNetworkReceiveErrs", "receive"),
      networkErrors("NodeNetworkTransmitErrs", "transmit"),
    ],
  };
}
