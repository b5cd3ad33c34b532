/**
 * 8. Cost: per region, at three expected loads, what the stack makes the cloud bill for: load balancers, nodes
 * (the sizing function's pods packed onto the stack's machine type), disks (the PVCs the sizing gives), and
 * the bucket's growth per day from the bytes of blocks the local sidecars uploaded, scaled to the load.
 */
import { loadBalancersPerRegion } from "../builders/gateway/routes";
import { GATEWAY } from "../builders/regional/gateway";
import { nodesFor, type PodRequest } from "../builders/sizing/nodes";
import { type RegionalSizing, sizeRegion } from "../builders/sizing";
import { CLOUD_TRAITS, machineTypeOf } from "../config/clouds";
import { DEFAULTS } from "../config/defaults";
import { parseDuration } from "../config/duration";
import { quantity } from "../config/quantity";
import type { RegionalStackConfig } from "../config/types";
import { LOCAL_REGIONS } from "../local/settings";
import { loadWithOverrides } from "../local/stacks";
import type { Log, Topology } from "../local/topology";
import { waitFor } from "../local/wait";
import { figure, type Section } from "./report";
import { round } from "./stats";

/** The loads of the cost table: a small, a medium and a large region. */
export const COST_LOADS = [
  { name: "small", targets: 200, seriesPerTarget: 500 },
  { name: "medium", targets: 1000, seriesPerTarget: 1000 },
  { name: "large", targets: 4000, seriesPerTarget: 1000 },
] as const;

/** What the sidecars' raw blocks in the local buckets hold, summed over every block. */
export interface UploadedBlocks {
  readonly blocks: number;
  readonly series: number;
  readonly samples: number;
  readonly chunkBytes: number;
  readonly indexBytes: number;
  /** Sum over blocks of series x the block's hours: the denominator of bytes per series per hour. */
  readonly seriesHours: number;
  /** The local topology's scrape interval, which the bytes per sample were measured at. */
  readonly intervalSeconds: number;
  readonly blockDuration: string;
}

interface BlockMeta {
  readonly minTime: number;
  readonly maxTime: number;
  readonly stats?: { readonly numSeries?: number; readonly numSamples?: number };
  readonly thanos: {
    readonly source?: string;
    readonly downsample?: { readonly resolution?: number };
    readonly files?: readonly { readonly rel_path: string; readonly size_bytes?: number }[];
  };
}

/** The tool prints each meta.json indented, one after another: each ends with a line holding only its closing brace. */
function parseMetas(output: string): BlockMeta[] {
  return output
    .split(/^\}$/m)
    .map((text) => text.trim())
    .filter((text) => text.startsWith("{"))
    .map((text) => JSON.parse(`${text}\n}`) as BlockMeta);
}

/**
 * Reads the meta.json of every raw block the sidecars uploaded to each region's bucket (`thanos tools bucket ls
 * --output=json`), once every region's bucket holds one (the first are cut and shipped a minute or so after the start).
 */
export async function uploadedBlocks(topology: Topology): Promise<UploadedBlocks> {
  const metas: BlockMeta[] = [];
  for (const region of topology.plan.regions) {
    const found = await waitFor(
      `a block in ${region.name}'s bucket`,
      180_000,
      async () => {
        const blocks = parseMetas(await topology.bucketToolAsync(region.name, ["ls", "--output=json"]));
        return blocks.length > 0 ? blocks : undefined;
      },
      5000,
    );
    metas.push(...found);
  }
  const raw = metas.filter((m) => m.thanos.source === "sidecar" && (m.thanos.downsample?.resolution ?? 0) === 0);
  const bytes = (m: BlockMeta, file: (p: string) => boolean) =>
    (m.thanos.files ?? []).filter((f) => file(f.rel_path)).reduce((s, f) => s + (f.size_bytes ?? 0), 0);
  const sum = (value: (m: BlockMeta) => number) => raw.reduce((s, m) => s + value(m), 0);
  return {
    blocks: raw.length,
    series: sum((m) => m.stats?.numSeries ?? 0),
    samples: sum((m) => m.stats?.numSamples ?? 0),
    chunkBytes: sum((m) => bytes(m, (p) => p.startsWith("chunks/"))),
    indexBytes: sum((m) => bytes(m, (p) => p === "index")),
    seriesHours: sum((m) => (m.stats?.numSeries ?? 0) * ((m.maxTime - m.minTime) / 3_600_000)),
    intervalSeconds: parseDuration(topology.plan.regions[0].config.prometheus.scrapeInterval) ?? NaN,
    blockDuration: topology.plan.blockDuration,
  };
}

/** Every pod of the regional tier that asks for a node's room, grouped as their anti-affinity keeps them apart. */
function regionalPods(config: RegionalStackConfig, sizing: RegionalSizing): PodRequest[] {
  const request = (
    group: string,
    containers: readonly { cpuRequest: string; memoryRequest: string }[],
  ): PodRequest => ({
    group,
    cpuCores: containers.reduce((s, c) => s + quantity(c.cpuRequest), 0),
    memoryBytes: containers.reduce((s, c) => s + quantity(c.memoryRequest), 0),
  });
  return [
    ...Array.from({ length: sizing.shards }, (_, shard) =>
      Array.from({ length: config.prometheus.replicas }, () =>
        request(`prometheus-shard-${shard}`, [sizing.prometheus, sizing.sidecar]),
      ),
    ).flat(),
    ...Array.from({ length: config.storeGatewayReplicas }, () => request("thanos-store", [sizing.storeGateway])),
    request("thanos-compact", [sizing.compactor]),
    request("kube-state-metrics", [sizing.kubeStateMetrics]),
    ...Array.from({ length: GATEWAY.replicas }, () => request("gateway", [DEFAULTS.gateway.resources])),
  ];
}

interface CostRow {
  readonly region: string;
  readonly cloud: string;
  readonly load: (typeof COST_LOADS)[number];
  readonly totalSeries: number;
  readonly shards: number;
  readonly loadBalancers: number;
  readonly machineType: string;
  readonly nodes: number;
  readonly disks: number;
  readonly diskGiB: number;
  readonly bucketGiBPerDay: number;
}

const GI = 2 ** 30;

/** Bytes a region's bucket grows by per day: every replica uploads its own 2h blocks of every series. */
function bucketBytesPerDay(config: RegionalStackConfig, totalSeries: number, measured: UploadedBlocks): number {
  const interval = parseDuration(config.prometheus.scrapeInterval) ?? NaN;
  const blocksPerDay = 86400 / (2 * 3600);
  const perSeries =
    blocksPerDay * (measured.indexBytes / measured.series) +
    (86400 / interval) * (measured.chunkBytes / measured.samples);
  return config.prometheus.replicas * totalSeries * perSeries;
}

function costRow(stack: string, load: (typeof COST_LOADS)[number], measured: UploadedBlocks): CostRow {
  const config = loadWithOverrides(stack, {
    expectedLoad: { targets: load.targets, seriesPerTarget: load.seriesPerTarget },
  });
  if (config.tier !== "regional") throw new Error(`Pulumi.${stack}.yaml is not a regional stack`);
  const sizing = sizeRegion({ ...config.load, ...config.prometheus });
  const machineType = config.cluster.nodes.machineType;
  const room = CLOUD_TRAITS[config.cloud].allocatable(machineTypeOf(config.cloud, machineType)!);
  const perNode = {
    cpuCores: quantity(sizing.nodeExporter.cpuRequest),
    memoryBytes: quantity(sizing.nodeExporter.memoryRequest),
  };
  const volumes = [
    ...Array.from({ length: sizing.shards * config.prometheus.replicas }, () => sizing.prometheus.diskGiB),
    ...Array.from({ length: config.storeGatewayReplicas }, () => sizing.storeGateway.diskGiB),
    sizing.compactor.diskGiB,
  ];
  return {
    region: stack,
    cloud: config.cloud,
    load,
    totalSeries: sizing.totalSeries,
    shards: sizing.shards,
    loadBalancers: loadBalancersPerRegion(config),
    machineType,
    nodes: nodesFor(regionalPods(config, sizing), room, perNode, config.cluster.nodes.minNodes),
    disks: volumes.length,
    diskGiB: volumes.reduce((a, b) => a + b, 0),
    bucketGiBPerDay: round(bucketBytesPerDay(config, sizing.totalSeries, measured) / GI, 1),
  };
}

export function costSection(measured: UploadedBlocks, log: Log): Section {
  log(
    `cost: ${measured.blocks} uploaded blocks measured; ${LOCAL_REGIONS.length} regions x ${COST_LOADS.length} loads`,
  );
  const rows = LOCAL_REGIONS.flatMap((stack) => COST_LOADS.map((load) => costRow(stack, load, measured)));
  const bytesPerSample = round(measured.chunkBytes / measured.samples, 2);
  const indexPerSeries = round(measured.indexBytes / measured.series, 0);
  const perSeriesHour = round((measured.chunkBytes + measured.indexBytes) / measured.seriesHours, 0);
  return {
    id: "cost",
    title: "Cost per region",
    method:
      `Each regional stack file with its expectedLoad replaced by three loads (${COST_LOADS.map((l) => `${l.name}: ${l.targets} targets x ${l.seriesPerTarget} series`).join("; ")}), ` +
      `through the program's own config validation and sizing function. Load balancers: as the builders make them today, one per ` +
      `Prometheus pod and one for the store gateways (components/global/region-exposure.ts). Nodes: every regional pod's requests ` +
      `(Prometheus and sidecar, store gateways, compactor, kube-state-metrics) packed first-fit onto the stack's machine type, what ` +
      `its kubelet leaves allocatable, a node-exporter on each node, no two replicas of a shard (nor two store gateways) on one node, at ` +
      `least cluster.nodes.minNodes. Disks: the PVCs (each Prometheus pod, each store gateway, the compactor). Bucket: the raw blocks the ` +
      `local sidecars uploaded in this run (${measured.blocks} blocks, \`thanos tools bucket ls --output=json\`): ${bytesPerSample} B of chunks ` +
      `per sample and ${indexPerSeries} B of index per series per block (${perSeriesHour} B per series per hour at the local ` +
      `${measured.intervalSeconds}s interval), scaled to each stack's scrape interval, 2h blocks (12 a day) and every replica uploading its ` +
      `own; before compaction and downsampling. The local blocks are ${measured.blockDuration} long, so their chunks hold few samples and compress worse ` +
      `than a cluster's 2h blocks: the bucket figure is an upper bound. Prices are left out: they vary by cloud, region and contract.`,
    tables: [
      {
        columns: [
          "region",
          "load",
          "series",
          "shards",
          "load balancers",
          "machine type",
          "nodes",
          "disks",
          "disk in all",
          "bucket growth per day",
        ],
        rows: rows.map((r) => [
          `${r.region} (${r.cloud})`,
          `${r.load.name}: ${r.load.targets.toLocaleString("en-US")} x ${r.load.seriesPerTarget.toLocaleString("en-US")}`,
          figure(r.totalSeries, "series"),
          figure(r.shards, "shards"),
          figure(r.loadBalancers, "LBs"),
          r.machineType,
          figure(r.nodes, "nodes"),
          figure(r.disks, "PVCs"),
          figure(r.diskGiB, "GiB"),
          figure(r.bucketGiBPerDay, "GiB/day"),
        ]),
      },
    ],
    figures: {
      measuredBlocks: {
        blocks: figure(measured.blocks, "blocks"),
        chunkBytesPerSample: figure(bytesPerSample, "B"),
        indexBytesPerSeriesPerBlock: figure(indexPerSeries, "B"),
        bytesPerSeriesHour: figure(perSeriesHour, "B"),
        atInterval: figure(measured.intervalSeconds, "s"),
      },
      rows: rows.map((r) => ({
        region: r.region,
        cloud: r.cloud,
        load: r.load,
        series: figure(r.totalSeries, "series"),
        shards: figure(r.shards, "shards"),
        loadBalancers: figure(r.loadBalancers, "LBs"),
        machineType: r.machineType,
        nodes: figure(r.nodes, "nodes"),
        disks: figure(r.disks, "PVCs"),
        diskGiB: figure(r.diskGiB, "GiB"),
        bucketGrowthPerDay: figure(r.bucketGiBPerDay, "GiB/day"),
      })),
    },
    summary: [
      {
        measure:
          "Cost per region (us-east/aws) at small/medium/large load: load balancers, nodes, disks, bucket growth",
        result: rows
          .filter((r) => r.region === LOCAL_REGIONS[0])
          .map(
            (r) =>
              `${r.load.name} (${r.totalSeries.toLocaleString("en-US")} series): ${r.loadBalancers} LBs, ${r.nodes} x ${r.machineType}, ${r.disks} PVCs / ${r.diskGiB} GiB, ${r.bucketGiBPerDay} GiB/day`,
          )
          .join("; "),
      },
    ],
    checks: [
      {
        what: "the sidecars uploaded blocks to measure the bucket's growth by",
        passed: measured.blocks > 0 && measured.samples > 0,
        detail: `${measured.blocks} blocks, ${measured.samples} samples`,
      },
      {
        what: "nodes, disks and bucket growth do not shrink as the load grows, in every region",
        passed: LOCAL_REGIONS.every((stack) => {
          const mine = rows.filter((r) => r.region === stack);
          return mine.every(
            (r, i) =>
              i === 0 ||
              (r.nodes >= mine[i - 1].nodes &&
                r.diskGiB >= mine[i - 1].diskGiB &&
                r.bucketGiBPerDay > mine[i - 1].bucketGiBPerDay),
          );
        }),
      },
    ],
  };
}
