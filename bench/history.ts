/**
 * Hours of history for the query path: each region's synthetic fleet as its Prometheus pods would have scraped
 * it over the last hours or days, written by the pinned promtool (`tsdb create-blocks-from openmetrics`, as the
 * e2e tier's test/support/backfill.ts does) and uploaded with each pod's external labels by Thanos' own
 * shipper (`thanos tools bucket upload-blocks`, the e2e tier's Topology.bucketTool). The store gateways find the
 * blocks at their next sync; the compactor compacts and downsamples them like any sidecar's upload.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { externalLabels } from "../builders/prometheus/config";
import { exposition } from "../local/fleet/metrics";
import type { LocalRegion } from "../local/plan";
import { LOOPBACK } from "../local/ports";
import { FLEET_JOB } from "../local/settings";
import type { Log, Topology } from "../local/topology";

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
