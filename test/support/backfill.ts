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
  const now = Math.floor(Date.now() / 1000);
  const window = Math.floor((now - (BLOCK_HOURS + 1) * HOUR) / (BLOCK_HOURS * HOUR)) * BLOCK_HOURS * HOUR;
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
  const [ulid, ...more] = fs.readdirSync(out).filter((f) => /^[0-9A-Z]{26}$/.test(f));
  if (!ulid || more.length > 0) throw new Error(`promtool wrote ${more.length + (ulid ? 1 : 0)} blocks, not one`);
  const meta = JSON.parse(fs.readFileSync(path.join(out, ulid, "meta.json"), "utf8")) as {
    minTime: number;
    maxTime: number;
  };
  return { ulid, dir: out, minTime: meta.minTime, maxTime: meta.maxTime };
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
