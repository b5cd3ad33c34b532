/** `promtool test rules` cases of the node-exporter alerts (builders/rules/node.ts). */
import { STACK_JOBS } from "../../../../builders/regional/plan";
import type { TestGroup, expectations } from "../../../support/alert-tests";

type Firing = ReturnType<typeof expectations>;

const NODE = { job: STACK_JOBS.nodeExporter, instance: "node-a", node: "node-a" };
const series = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.entries({ ...NODE, ...labels }).map(([k, v]) => `${k}="${v}"`).join(",")}}`;
const root = { device: "/dev/nvme0n1p1", fstype: "ext4", mountpoint: "/" };
const data = { device: "/dev/nvme1n1", fstype: "ext4", mountpoint: "/data" };

/** A filesystem's free/total pair and its read-only flag, for `samples` samples. */
function filesystem(free: string, total: string, labels: Record<string, string>, freeValues: string, samples: number) {
  return [
    { series: series(free, labels), values: freeValues },
    { series: series(total, labels), values: `100x${samples}` },
    { series: series("node_filesystem_readonly", labels), values: `0x${samples}` },
  ];
}

/**
 * The warning at 40% left and a day to go, then the critical at 20% and four hours, on a filesystem that loses
 * 0.1% a minute (sampled every minute: a sparser series would vanish between samples, past the 5m lookback).
 */
function fillingCases(firing: Firing, alert: string, free: string, total: string): TestGroup {
  return {
    name: `${alert}: one filesystem loses 6% an hour from 45%; another sits at 30%`,
    interval: "1m",
    input_series: [...filesystem(free, total, root, "45-0.1x350", 350), ...filesystem(free, total, data, "30x350", 350)],
    alert_rule_test: [
      { eval_time: "1h30m", alertname: alert, exp_alerts: [] },
      { eval_time: "2h10m", alertname: alert, exp_alerts: [firing(alert, { ...NODE, ...root, severity: "warning" }, "32")] },
      {
        eval_time: "5h40m",
        alertname: alert,
        exp_alerts: [firing(alert, { ...NODE, ...root, severity: "warning" }, "11"), firing(alert, { ...NODE, ...root, severity: "critical" }, "11")],
      },
    ],
  };
}

/** 4% left on one filesystem (warning), 2% on another (warning and critical), 30% on a third. */
function almostOutCases(firing: Firing, alert: string, free: string, total: string, forMinutes: number): TestGroup {
  const other = { device: "/dev/nvme2n1", fstype: "xfs", mountpoint: "/var" };
  const samples = forMinutes + 20;
  return {
    name: `${alert}: filesystems with 4%, 2% and 30% left`,
    interval: "1m",
    input_series: [
      ...filesystem(free, total, root, `4x${samples}`, samples),
      ...filesystem(free, total, other, `2x${samples}`, samples),
      ...filesystem(free, total, data, `30x${samples}`, samples),
    ],
    alert_rule_test: [
      { eval_time: `${forMinutes - 10}m`, alertname: alert, exp_alerts: [] },
      {
        eval_time: `${forMinutes + 10}m`,
        alertname: alert,
        exp_alerts: [
          firing(alert, { ...NODE, ...root, severity: "warning" }, "4"),
          firing(alert, { ...NODE, ...other, severity: "warning" }, "2"),
          firing(alert, { ...NODE, ...other, severity: "critical" }, "2"),
        ],
      },
    ],
  };
}

function networkErrorCases(firing: Firing, alert: string, direction: string): TestGroup {
  const eth0 = { device: "eth0" };
  const eth1 = { device: "eth1" };
  return {
    name: `${alert}: 2% of one interface's packets fail, 0.5% of another's`,
    interval: "1m",
    input_series: [
      { series: series(`node_network_${direction}_packets_total`, eth0), values: "0+100x80" },
      { series: series(`node_network_${direction}_errs_total`, eth0), values: "0+2x80" },
      { series: series(`node_network_${direction}_packets_total`, eth1), values: "0+200x80" },
      { series: series(`node_network_${direction}_errs_total`, eth1), values: "0+1x80" },
    ],
    alert_rule_test: [
      { eval_time: "30m", alertname: alert, exp_alerts: [] },
      { eval_time: "70m", alertname: alert, exp_alerts: [firing(alert, { ...NODE, ...eth0 }, "2%")] },
    ],
  };
}

export function nodeCases(firing: Firing): TestGroup[] {
  const nodeB = { instance: "node-b", node: "node-b" };
  return [
    fillingCases(firing, "NodeFilesystemSpaceFillingUp", "node_filesystem_avail_bytes", "node_filesystem_size_bytes"),
    fillingCases(firing, "NodeFilesystemFilesFillingUp", "node_filesystem_files_free", "node_filesystem_files"),
    almostOutCases(firing, "NodeFilesystemAlmostOutOfSpace", "node_filesystem_avail_bytes", "node_filesystem_size_bytes", 30),
    almostOutCases(firing, "NodeFilesystemAlmostOutOfFiles", "node_filesystem_files_free", "node_filesystem_files", 60),
    {
      name: "a node has 5% of its memory available, another half",
      interval: "1m",
      input_series: [
        { series: series("node_memory_MemAvailable_bytes", {}), values: "5x30" },
        { series: series("node_memory_MemTotal_bytes", {}), values: "100x30" },
        { series: series("node_memory_MemAvailable_bytes", nodeB), values: "50x30" },
        { series: series("node_memory_MemTotal_bytes", nodeB), values: "100x30" },
      ],
      alert_rule_test: [
        { eval_time: "10m", alertname: "NodeMemoryHighUtilization", exp_alerts: [] },
        { eval_time: "20m", alertname: "NodeMemoryHighUtilization", exp_alerts: [firing("NodeMemoryHighUtilization", NODE, "95")] },
      ],
    },
    {
      name: "a node's clock stays 100ms ahead; another's is 10ms off",
      interval: "1m",
      input_series: [
        { series: series("node_timex_offset_seconds", {}), values: "0.1x30" },
        { series: series("node_timex_offset_seconds", nodeB), values: "-0.01x30" },
      ],
      alert_rule_test: [
        { eval_time: "5m", alertname: "NodeClockSkewDetected", exp_alerts: [] },
        { eval_time: "15m", alertname: "NodeClockSkewDetected", exp_alerts: [firing("NodeClockSkewDetected", NODE, "100m")] },
      ],
    },
    {
      name: "a node's clock loses its time source; another stays synchronised",
      interval: "1m",
      input_series: [
        { series: series("node_timex_sync_status", {}), values: "0x30" },
        { series: series("node_timex_maxerror_seconds", {}), values: "16x30" },
        { series: series("node_timex_sync_status", nodeB), values: "1x30" },
        { series: series("node_timex_maxerror_seconds", nodeB), values: "0.01x30" },
      ],
      alert_rule_test: [
        { eval_time: "5m", alertname: "NodeClockNotSynchronising", exp_alerts: [] },
        { eval_time: "15m", alertname: "NodeClockNotSynchronising", exp_alerts: [firing("NodeClockNotSynchronising", NODE)] },
      ],
    },
    networkErrorCases(firing, "NodeNetworkReceiveErrs", "receive"),
    networkErrorCases(firing, "NodeNetworkTransmitErrs", "transmit"),
  ];
}
