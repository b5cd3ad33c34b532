import * as fs from "node:fs";
import * as path from "node:path";
import { runBinary } from "./tools";

const HOUR = 3600;
/**
 * promtool cuts backfilled blocks at the largest of Prometheus' block ranges (2h x 3^n) that the flag allows,
 * aligned to it: 54h holds one block long enough for the compactor's first downsampling (at least 40h).
 */
const BLOCK_HOURS = 54;

export interface BackfilledBlock {
  readonly ulid: string;
  /** The directory holding the block, as `thanos tools bucket upload-blocks --path` wants it. */
  readonly dir: string;
  readonly minTime: number;
  readonly maxTime: number;
}

/**
 * Enough raw data for downsampling, made in under a second: one series sampled every minute over 53 hours
 * ending at least an hour ago, written by the pinned promtool as one TSDB block (the compactor downsamples a
 * raw block to 5m once it spans 40 hours).
 */
export function backfillBlock(dir: string): BackfilledBlock {
  const window = backfillWindow();
  const lines = ["# TYPE backfill_samples gauge"];
  for (let t = window + 60; t < window + (BLOCK_HOURS - 1) * HOUR; t += 60)
    lines.push(`backfill_samples{series="a"} ${t % 1000} ${t}`);
  lines.push("# EOF");
  fs.mkdirSync(dir, { recursive: true });
  const input = path.join(dir, "input.om");
  fs.writeFileSync(input, `${lines.join("\n")}\n`);
  const out = path.join(dir, "blocks");
  runBinary("promtool", [
    "tsdb",
    "create-blocks-from",
    "openmetrics",
    `--max-block-duration=${BLOCK_HOURS}h`,
    input,
    out,
  ]);
  return onlyBlock(out, "promtool");
}

/** The start (unix seconds) of a block-long window aligned to the block length, ending at least an hour ago. */
function backfillWindow(): number {
  const now = Math.floor(Date.now() / 1000);
  return Math.floor((now - (BLOCK_HOURS + 1) * HOUR) / (BLOCK_HOURS * HOUR)) * BLOCK_HOURS * HOUR;
}

function onlyBlock(out: string, writer: string): BackfilledBlock {
  const [ulid, ...more] = fs.readdirSync(out).filter((f) => /^[0-9A-Z]{26}$/.test(f));
  if (!ulid || more.length > 0) throw new Error(`${writer} wrote ${more.length + (ulid ? 1 : 0)} blocks, not one`);
  const meta = JSON.parse(fs.readFileSync(path.join(out, ulid, "meta.json"), "utf8")) as {
    minTime: number;
    maxTime: number;
  };
  return { ulid, dir: out, minTime: meta.minTime, maxTime: meta.maxTime };
}

/** Observations per second of the native histogram histogram-blocks writes (local/histogram-blocks/main.go). */
export const NATIVE_BACKFILL_RATE = 10;

/**
 * The same 53 hours as native-histogram samples, one a minute: a counter histogram `metric{series="a"}` of
 * NATIVE_BACKFILL_RATE observations a second, written as one TSDB block by the repository's histogram-blocks
 * (the pinned Prometheus' TSDB; promtool's backfill writes floats only).
 */
export function backfillNativeHistogramBlock(dir: string, metric: string): BackfilledBlock {
  const window = backfillWindow();
  const out = path.join(dir, "native-blocks");
  fs.mkdirSync(out, { recursive: true });
  const ms = (seconds: number) => String(seconds * 1000);
  runBinary("histogramBlocks", [
    out,
    metric,
    ms(window + 60),
    ms(window + (BLOCK_HOURS - 1) * HOUR),
    ms(60),
    ms(BLOCK_HOURS * HOUR),
  ]);
  return onlyBlock(out, "histogram-blocks");
}

/** A block's metadata as `thanos tools bucket ls -o json` prints it. */
export interface BucketBlockMeta {
  readonly ulid: string;
  readonly minTime: number;
  readonly maxTime: number;
  readonly thanos: {
    readonly labels: Readonly<Record<string, string>>;
    readonly downsample: { readonly resolution: number };
  };
}

/** Parses `thanos tools bucket ls -o json`: indented JSON objects one after the other, each closed by a `}` line of its own. */
export function parseBucketListing(output: string): BucketBlockMeta[] {
  return output
    .split(/^\}$/m)
    .map((part) => part.trim())
    .filter((part) => part.startsWith("{"))
    .map((part) => JSON.parse(`${part}\n}`) as BucketBlockMeta);
}
