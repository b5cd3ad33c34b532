import { parseDuration } from "../../config/duration";
import type { ContainerResources } from "../k8s/pod";

/**
 * Sizing of a region's monitoring pods from its expected load. The formulas and where each constant comes
 * from are in ./README.md; in short:
 *
 *   series          = targets x seriesPerTarget
 *   shards          = ceil(series / MAX_SERIES_PER_SHARD)            (unless config sets a number)
 *   seriesPerShard  = ceil(series / shards)
 *   samplesPerSec   = seriesPerShard / scrapeIntervalSeconds
 *   memory request  = BASE_MEMORY + seriesPerShard x RESIDENT_BYTES_PER_SERIES;             limit = x MEMORY_LIMIT_FACTOR
 *   cpu request     = BASE_CPU + samplesPerSec / SAMPLES_PER_SECOND_PER_CORE;              limit = x CPU_LIMIT_FACTOR
 *   disk            = (retention + WAL_SECONDS) x samplesPerSec x BYTES_PER_SAMPLE x DISK_HEADROOM
 *
 * Config overrides (prometheus.overrides) win over the computed figures.
 */

const KI = 1024;
const MI = KI * KI;
const GI = MI * KI;

/** Active (head) series one Prometheus shard is planned to carry. */
export const MAX_SERIES_PER_SHARD = 2_000_000;
/**
 * Resident memory (VmRSS, the Go collector's headroom included) per active series of the expected load, and of
 * a Prometheus carrying none: fitted to `npm run bench` (docs/benchmark, the sizing check) on Prometheus 3.13.5
 * with half-full open head chunks and a WAL replay, then raised a tenth so the request is 1.0-1.25x what was
 * measured (README, "Memory"). The base holds Prometheus' own series, rules and the Go runtime.
 */
export const RESIDENT_BYTES_PER_SERIES = 2.3 * KI;
export const BASE_MEMORY_BYTES = 135 * MI;
/**
 * Headroom of the limit above the request (the prediction): queries over the head, the head compaction every
 * 2h and the WAL checkpoint allocate on top of the steady working set; an OOM kill beats starving the node.
 */
export const MEMORY_LIMIT_FACTOR = 1.5;
/** Ingestion, compression and rule evaluation per core. */
export const SAMPLES_PER_SECOND_PER_CORE = 100_000;
export const BASE_CPU_CORES = 0.25;
export const CPU_LIMIT_FACTOR = 2;
/** Prometheus storage docs: 1-2 bytes per sample on disk; 2 because the sidecar setup never compacts past 2h blocks. */
export const BYTES_PER_SAMPLE = 2;
/** The WAL holds the head's samples until they are cut into a block: up to 3h. */
export const WAL_SECONDS = 3 * 3600;
/** Free space for block writes, WAL checkpoints and growth. */
export const DISK_HEADROOM = 2;
export const MIN_PROMETHEUS_DISK_GIB = 10;
/**
 * Share of the Prometheus volume `--storage.tsdb.retention.size` lets blocks, WAL and head chunks fill: the
 * rest is room for the block being written and the WAL checkpoint, which the size limit counts only after
 * they exist. Past it Prometheus deletes its oldest blocks instead of stopping on a full disk.
 */
export const RETENTION_SIZE_SHARE = 0.8;
/** The compactor's largest job: one stream's 2-week block, downloaded beside the block it writes. */
export const COMPACTOR_LARGEST_RANGE_SECONDS = 14 * 86400;

export interface SizingInput {
  readonly targets: number;
  readonly seriesPerTarget: number;
  readonly scrapeInterval: string;
  /** Local TSDB retention of each Prometheus. */
  readonly retention: string;
  /** A number from config wins; `auto` asks the load. */
  readonly shards: number | "auto";
  readonly overrides?: { readonly cpu?: string; readonly memory?: string; readonly diskGiB?: number };
}

/**
 * `--storage.tsdb.retention.size` for a volume of `diskGiB`. Prometheus reads the unit in powers of two
 * (units.ParseBase2Bytes: `GB` is GiB), and an integer keeps the flag plain.
 */
export function retentionSize(diskGiB: number): string {
  if (!(diskGiB > 0)) throw new Error(`sizing: a Prometheus volume of ${diskGiB} GiB cannot hold a TSDB`);
  return `${retentionSizeGiB(diskGiB)}GB`;
}

function retentionSizeGiB(diskGiB: number): number {
  return Math.max(1, Math.floor(diskGiB * RETENTION_SIZE_SHARE));
}

/**
 * The local retention a Prometheus volume of `diskGiB` holds at `samplesPerSecond` before
 * `--storage.tsdb.retention.size` deletes blocks: the size limit's bytes less the WAL's, at 2 bytes a sample.
 */
export function retentionHeldSeconds(diskGiB: number, samplesPerSecond: number): number {
  return (retentionSizeGiB(diskGiB) * GI) / (samplesPerSecond * BYTES_PER_SAMPLE) - WAL_SECONDS;
}

/** The smallest Prometheus volume whose size limit holds `retentionSeconds` at `samplesPerSecond`. */
export function volumeGiBHolding(retentionSeconds: number, samplesPerSecond: number): number {
  const limitGiB = Math.ceil(((retentionSeconds + WAL_SECONDS) * samplesPerSecond * BYTES_PER_SAMPLE) / GI);
  return Math.ceil(limitGiB / RETENTION_SIZE_SHARE);
}

export interface PodSize extends ContainerResources {
  readonly cpuLimit: string;
}

export interface RegionalSizing {
  readonly totalSeries: number;
  readonly shards: number;
  readonly seriesPerShard: number;
  readonly samplesPerSecondPerShard: number;
  readonly prometheus: PodSize & { readonly diskGiB: number };
  readonly sidecar: PodSize;
  readonly storeGateway: PodSize & {
    readonly diskGiB: number;
    readonly indexCacheSizeMiB: number;
    readonly chunkCacheSizeMiB: number;
  };
  readonly compactor: PodSize & { readonly diskGiB: number };
  readonly nodeExporter: PodSize;
  readonly kubeStateMetrics: PodSize;
}

function seconds(what: string, duration: string): number {
  const value = parseDuration(duration);
  if (value === undefined || value <= 0)
    throw new Error(`sizing: ${what} '${duration}' is not a positive Prometheus duration`);
  return value;
}

const cpu = (cores: number) => `${Math.ceil(cores * 1000)}m`;
const memory = (bytes: number) => `${Math.ceil(bytes / MI)}Mi`;
const gib = (bytes: number) => Math.ceil(bytes / GI);

function pod(cores: number, bytes: number): PodSize {
  return {
    cpuRequest: cpu(cores),
    cpuLimit: cpu(cores * CPU_LIMIT_FACTOR),
    memoryRequest: memory(bytes),
    memoryLimit: memory(bytes * MEMORY_LIMIT_FACTOR),
  };
}

export function shardsFor(totalSeries: number): number {
  return Math.max(1, Math.ceil(totalSeries / MAX_SERIES_PER_SHARD));
}

export function sizeRegion(input: SizingInput): RegionalSizing {
  if (!(input.targets > 0) || !(input.seriesPerTarget > 0)) {
    throw new Error(
      `sizing: targets (${input.targets}) and seriesPerTarget (${input.seriesPerTarget}) must be positive`,
    );
  }
  const interval = seconds("scrape interval", input.scrapeInterval);
  const retention = seconds("retention", input.retention);
  const totalSeries = input.targets * input.seriesPerTarget;
  const shards = input.shards === "auto" ? shardsFor(totalSeries) : input.shards;
  const seriesPerShard = Math.ceil(totalSeries / shards);
  const samplesPerSecond = seriesPerShard / interval;
  const millionSeries = totalSeries / 1_000_000;

  const computed = pod(
    BASE_CPU_CORES + samplesPerSecond / SAMPLES_PER_SECOND_PER_CORE,
    BASE_MEMORY_BYTES + seriesPerShard * RESIDENT_BYTES_PER_SERIES,
  );
  const overrides = input.overrides ?? {};
  const prometheus = {
    ...computed,
    // An override is what the operator wants the pod to have: it is both request and limit.
    ...(overrides.cpu ? { cpuRequest: overrides.cpu, cpuLimit: overrides.cpu } : {}),
    ...(overrides.memory ? { memoryRequest: overrides.memory, memoryLimit: overrides.memory } : {}),
    diskGiB:
      overrides.diskGiB ??
      Math.max(
        MIN_PROMETHEUS_DISK_GIB,
        gib((retention + WAL_SECONDS) * samplesPerSecond * BYTES_PER_SAMPLE * DISK_HEADROOM),
      ),
  };

  const storeMemory = GI + millionSeries * 512 * MI;
  const shardBlockBytes = COMPACTOR_LARGEST_RANGE_SECONDS * samplesPerSecond * BYTES_PER_SAMPLE;
  return {
    totalSeries,
    shards,
    seriesPerShard,
    samplesPerSecondPerShard: samplesPerSecond,
    prometheus,
    sidecar: pod(0.1, 128 * MI),
    storeGateway: {
      ...pod(0.5 + millionSeries * 0.25, storeMemory),
      // A quarter of the request caches postings and series of the index, a quarter the chunks read from the
      // bucket (the benchmark's query path: 2-5x faster dashboard queries over days); the rest serves queries.
      indexCacheSizeMiB: Math.ceil(storeMemory / 4 / MI),
      chunkCacheSizeMiB: Math.ceil(storeMemory / 4 / MI),
      diskGiB: Math.max(10, gib(millionSeries * 5 * GI)),
    },
    compactor: {
      ...pod(0.5, GI + millionSeries * GI),
      diskGiB: Math.max(20, gib(shardBlockBytes * 2 * DISK_HEADROOM)),
    },
    nodeExporter: pod(0.05, 64 * MI),
    kubeStateMetrics: pod(0.1, 256 * MI + input.targets * 64 * KI),
  };
}
