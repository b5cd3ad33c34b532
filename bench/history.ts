/**
 * Hours of history for the query path: each region's synthetic fleet as its Prometheus pods would have scraped
 * it over the last hours or days, written by the pinned promtool (`tsdb create-blocks-from openmetrics`, as the
 * e2e tier's test/support/backfill.ts does) and uploaded with each pod's external labels by Thanos' own
 * shipper (`thanos tools bucket upload-blocks`, the e2e tier's Topology.bucketTool). The store gateways find the
 * blocks at their next sync; the regions' own compactors compact and downsample them like any sidecar's upload,
 * and `awaitDownsampled` waits until they have, so the bucket is what a cluster's holds once its compactor ran.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { externalLabels } from "../builders/prometheus/config";
import { metricValue } from "../local/client";
import { exposition } from "../local/fleet/metrics";
import type { LocalRegion } from "../local/plan";
import { LOOPBACK } from "../local/ports";
import { FLEET_JOB } from "../local/settings";
import type { Log, Topology } from "../local/topology";
import { waitFor } from "../local/wait";

const run = promisify(execFile);

export interface HistorySettings {
  /** How far back the history reaches from the topology's start (hours). */
  readonly hours: number;
  /** The scrape interval the history is written at (seconds; the clusters' default is 30). */
  readonly intervalSeconds: number;
}

export interface History {
  /** Unix seconds: the first and the last sample of the history (the live heads continue from about `end`). */
  readonly start: number;
  readonly end: number;
  readonly seriesPerRegion: number;
  /** Series x samples per series, for one replica of one region. */
  readonly samplesPerReplica: number;
  /** Raw blocks promtool wrote per replica, and all uploaded (every replica of every region). */
  readonly blocksPerReplica: number;
  readonly blocksUploaded: number;
  /** Bytes of the blocks uploaded, over every replica and region. */
  readonly bytesUploaded: number;
  readonly replicasPerRegion: number;
  /** How long writing and uploading took (s). */
  readonly seconds: number;
}

const HOUR = 3600;
/** promtool cuts blocks at the largest 2h x 3^n range the flag allows: 2h x 27 = 54h, the compactor's own largest level below 14d. */
const MAX_BLOCK_HOURS = 54;

/**
 * One target's series at one moment: the fleet's own exposition at that uptime (so history and the live heads
 * carry the same series and rates), with the labels the scrape adds, and `up`.
 */
function seriesAt(instance: string, uptime: number): [string, number][] {
  const base = `job="${FLEET_JOB}",instance="${instance}"`;
  const out: [string, number][] = [[`up{${base}}`, 1]];
  for (const line of exposition(uptime).split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    out.push([`${m[1]}{${base}${m[2] ? `,${m[2]}` : ""}}`, Number(m[3])]);
  }
  return out;
}

/**
 * The OpenMetrics text of a region's fleet from `start` to `end`, each family's samples together as the format
 * wants. Every target serves the same values at the same uptime (the fleet's own exposition), so the values are
 * computed once per moment and written for each target's labels. Returns the samples written.
 */
export function writeOpenMetrics(
  file: string,
  instances: readonly string[],
  start: number,
  end: number,
  step: number,
): number {
  const times: number[] = [];
  for (let t = start; t <= end; t += step) times.push(t);
  const names = seriesAt("", 0).map(([series]) => series);
  const values = names.map(() => new Float64Array(times.length));
  times.forEach((t, i) => {
    for (const [j, [, v]] of seriesAt("", t - start).entries()) values[j][i] = v;
  });
  const families = [...new Set(names.map((n) => n.slice(0, n.indexOf("{"))))];
  const fd = fs.openSync(file, "w");
  let samples = 0;
  try {
    for (const family of families) {
      fs.writeSync(fd, `# TYPE ${family} gauge\n`);
      for (const instance of instances)
        for (const [j, name] of names.entries()) {
          if (!name.startsWith(`${family}{`)) continue;
          const series = name.replace('instance=""', `instance="${instance}"`);
          const lines: string[] = [];
          for (let i = 0; i < times.length; i++) lines.push(`${series} ${values[j][i]} ${times[i]}`);
          fs.writeSync(fd, `${lines.join("\n")}\n`);
          samples += lines.length;
        }
    }
    fs.writeSync(fd, "# EOF\n");
  } finally {
    fs.closeSync(fd);
  }
  return samples;
}

const isUlid = (f: string) => /^[0-9A-Z]{26}$/.test(f);

/** A copy of a block under a new ULID (same time, new randomness), so a second replica can upload the same samples. */
function copyBlock(dir: string, ulid: string, into: string): string {
  const copy =
    ulid.slice(0, 10) +
    randomBytes(16)
      .toString("hex")
      .toUpperCase()
      .replace(/[ILOU]/g, "0")
      .slice(0, 16);
  fs.cpSync(path.join(dir, ulid), path.join(into, copy), { recursive: true });
  const metaFile = path.join(into, copy, "meta.json");
  fs.writeFileSync(metaFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(metaFile, "utf8")), ulid: copy }));
  return copy;
}

function dirBytes(dir: string): number {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + fs.statSync(path.join(e.parentPath, e.name)).size, 0);
}

/**
 * Writes `hours` of the fleet's series ending at `end` for every region and uploads them for each of the
 * region's Prometheus pods (its external labels, its replica label), as its sidecar would have.
 */
export async function backfillHistory(
  topology: Topology,
  settings: HistorySettings,
  end: number,
  scratch: string,
  log: Log,
): Promise<History> {
  const started = performance.now();
  const step = settings.intervalSeconds;
  const alignedEnd = Math.floor(end / step) * step;
  const start = alignedEnd - settings.hours * HOUR;
  let samplesPerReplica = 0;
  let seriesPerRegion = 0;
  let blocksPerReplica = 0;
  let blocksUploaded = 0;
  let bytesUploaded = 0;
  let replicasPerRegion = 0;
  await Promise.all(
    topology.plan.regions.map(async (region: LocalRegion) => {
      const dir = path.join(scratch, region.name);
      fs.mkdirSync(dir, { recursive: true });
      const instances = region.fleet.targetPorts.map((port) => `${LOOPBACK}:${port}`);
      const input = path.join(dir, "history.om");
      samplesPerReplica = writeOpenMetrics(input, instances, start, alignedEnd, step);
      seriesPerRegion = seriesAt(instances[0], 0).length * instances.length;
      const blocks = path.join(dir, "blocks");
      await run(
        topology.binaries.promtool,
        ["tsdb", "create-blocks-from", "openmetrics", `--max-block-duration=${MAX_BLOCK_HOURS}h`, input, blocks],
        { maxBuffer: 64 * 2 ** 20 },
      );
      fs.rmSync(input);
      const ulids = fs.readdirSync(blocks).filter(isUlid);
      blocksPerReplica = ulids.length;
      replicasPerRegion = region.prometheus.length;
      for (const p of region.prometheus) {
        const own = path.join(dir, p.podName);
        fs.mkdirSync(own, { recursive: true });
        for (const ulid of ulids) copyBlock(blocks, ulid, own);
        bytesUploaded += dirBytes(own);
        const labels = externalLabels({
          region: region.name,
          cloud: region.config.cloud,
          cluster: region.config.cluster.name,
          position: { shard: p.shard, shards: region.prometheus.length },
          replica: p.podName,
        } as Parameters<typeof externalLabels>[0]);
        await topology.bucketToolAsync(region.name, [
          "upload-blocks",
          `--path=${own}`,
          ...Object.entries(labels).map(([k, v]) => `--label=${k}="${v}"`),
        ]);
        blocksUploaded += ulids.length;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  log(
    `history: ${settings.hours}h at ${step}s, ${seriesPerRegion} series per region, ${blocksUploaded} blocks uploaded in ${seconds.toFixed(0)} s`,
  );
  return {
    start,
    end: alignedEnd,
    seriesPerRegion,
    samplesPerReplica,
    blocksPerReplica,
    blocksUploaded,
    bytesUploaded,
    replicasPerRegion,
    seconds,
  };
}

/**
 * Thanos' compactor downsamples a raw block to 5m once the block spans 40 h, and a 5m block to 1h once it spans
 * 10 days (pkg/compact/downsample at v0.42.4: ResLevel1DownsampleRange, ResLevel2DownsampleRange).
 */
const FIVE_MINUTES_FROM_HOURS = 40;
const FIVE_MINUTES_MS = 300_000;
const ONE_HOUR_MS = 3_600_000;

export interface Downsampled {
  /** Raw blocks in the buckets long enough for the compactor to downsample (40 h or more), every region. */
  readonly eligibleRawBlocks: number;
  /** Blocks at 5m and at 1h resolution in the buckets, every region (blocks marked for deletion left out). */
  readonly fiveMinuteBlocks: number;
  readonly oneHourBlocks: number;
  /** From the end of the upload until every store gateway had synced the bucket as the compactors left it (s). */
  readonly seconds: number;
}

interface BlockMeta {
  readonly minTime: number;
  readonly maxTime: number;
  readonly resolution: number;
  /** The block's external labels, printed by Go (a map prints sorted by key). */
  readonly labels: string;
}

/** The blocks of a region's bucket not marked for deletion (what the store gateways serve once the compactor's delete delay passed). */
async function bucketBlocks(topology: Topology, region: string): Promise<BlockMeta[]> {
  const out = await topology.bucketToolAsync(region, [
    "ls",
    "--exclude-delete",
    "--output={{.MinTime}} {{.MaxTime}} {{.Thanos.Downsample.Resolution}} {{.Thanos.Labels}}\n",
  ]);
  return out
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((line) => {
      const [minTime, maxTime, resolution, ...labels] = line.trim().split(" ");
      return {
        minTime: Number(minTime),
        maxTime: Number(maxTime),
        resolution: Number(resolution),
        labels: labels.join(" "),
      };
    });
}

/**
 * Waits until every region's compactor has downsampled every raw block of 40 h or more to 5m (a block of the
 * same range and labels), then until each store gateway has synced twice more, so the queries see them.
 */
export async function awaitDownsampled(
  topology: Topology,
  uploadedAt: number,
  timeoutMs: number,
  log: Log,
): Promise<Downsampled> {
  const counts = await Promise.all(
    topology.plan.regions.map((region) =>
      waitFor(
        `${region.compactor.name} to downsample the history to 5m`,
        timeoutMs,
        async () => {
          const blocks = await bucketBlocks(topology, region.name);
          const eligible = blocks.filter(
            (b) => b.resolution === 0 && b.maxTime - b.minTime >= FIVE_MINUTES_FROM_HOURS * HOUR * 1000,
          );
          const atFiveMinutes = blocks.filter((b) => b.resolution === FIVE_MINUTES_MS);
          const twin = (raw: BlockMeta) =>
            atFiveMinutes.some(
              (d) => d.minTime === raw.minTime && d.maxTime === raw.maxTime && d.labels === raw.labels,
            );
          if (!eligible.every(twin)) return undefined;
          return {
            eligible: eligible.length,
            fiveMinutes: atFiveMinutes.length,
            oneHour: blocks.filter((b) => b.resolution === ONE_HOUR_MS).length,
          };
        },
        3000,
      ),
    ),
  );
  await Promise.all(
    topology.plan.regions.flatMap((region) =>
      region.stores.map(async (s) => {
        const access = topology.access(s.name);
        const syncs = async () => (await metricValue(access, "thanos_blocks_meta_syncs_total")) ?? 0;
        const from = await syncs();
        await waitFor(`${s.name} to sync the downsampled blocks`, timeoutMs, async () =>
          (await syncs()) >= from + 2 ? true : undefined,
        );
      }),
    ),
  );
  const downsampled = {
    eligibleRawBlocks: counts.reduce((n, c) => n + c.eligible, 0),
    fiveMinuteBlocks: counts.reduce((n, c) => n + c.fiveMinutes, 0),
    oneHourBlocks: counts.reduce((n, c) => n + c.oneHour, 0),
    seconds: (performance.now() - uploadedAt) / 1000,
  };
  log(
    `history: ${downsampled.fiveMinuteBlocks} blocks at 5m for ${downsampled.eligibleRawBlocks} raw blocks of 40 h or more, ${downsampled.oneHourBlocks} at 1h, ${downsampled.seconds.toFixed(0)} s after the upload`,
  );
  return downsampled;
}
