import * as fs from "fs";
import * as path from "path";
import { runBinary } from "./tools";

const HOUR = 3600;
/**
 * promtool cuts backfilled blocks at the largest of Prometheus' block ranges (2h x 3^n) that the flag allows,
 * aligned to it: 54h holds one block long enough for the compactor's first downsampling (at least 40h).
 */
const BLOCK_HOURS = 54;

export interface BackfilledBlock {
  readonly ulid: string;
  readonly dir: string;
  readonly minTime: number;
  readonly maxTime: number;
}

/**
 * Enough raw data for downsampling, made in under a second: one series sampled every minute over 53 hours
 * ending at least an hour ago, written by the pinned promtool as one TSDB block, then given the Thanos
 * metadata a sidecar would write (external labels, raw resolution), so the compactor treats it as an upload.
 */
export function backfillBlock(dir: string, externalLabels: Readonly<Record<string, string>>): BackfilledBlock {
  const now = Math.floor(Date.now() / 1000);
  const window = Math.floor((now - (BLOCK_HOURS + 1) * HOUR) / (BLOCK_HOURS * HOUR)) * BLOCK_HOURS * HOUR;
  const lines = ["# TYPE backfill_samples gauge"];
  for (let t = window + 60; t < window + (BLOCK_HOURS - 1) * HOUR; t += 60) lines.push(`backfill_samples{series="a"} ${t % 1000} ${t}`);
  lines.push("# EOF");
  fs.mkdirSync(dir, { recursive: true });
  const input = path.join(dir, "input.om");
  fs.writeFileSync(input, lines.join("\n") + "\n");
  const out = path.join(dir, "blocks");
  runBinary("promtool", ["tsdb", "create-blocks-from", "openmetrics", `--max-block-duration=${BLOCK_HOURS}h`, input, out]);
  const [ulid, ...more] = fs.readdirSync(out).filter((f) => /^[0-9A-Z]{26}$/.test(f));
  if (!ulid || more.length > 0) throw new Error(`promtool wrote ${more.length + (ulid ? 1 : 0)} blocks, not one`);
  const metaFile = path.join(out, ulid, "meta.json");
  const meta = JSON.parse(fs.readFileSync(metaFile, "utf8")) as { minTime: number; maxTime: number };
  fs.writeFileSync(metaFile, JSON.stringify({ ...meta, thanos: { labels: externalLabels, downsample: { resolution: 0 }, source: "sidecar" } }, null, 2));
  return { ulid, dir: path.join(out, ulid), minTime: meta.minTime, maxTime: meta.maxTime };
}

/** Every file of a block by its object name (`<ulid>/index`, `<ulid>/chunks/000001`, ...), meta.json last as Thanos uploads it. */
export function blockObjects(block: BackfilledBlock): [string, Buffer][] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(block.dir);
  const name = (file: string) => `${block.ulid}/${path.relative(block.dir, file).split(path.sep).join("/")}`;
  const ordered = [...files.filter((f) => !f.endsWith("meta.json")), ...files.filter((f) => f.endsWith("meta.json"))];
  return ordered.map((f) => [name(f), fs.readFileSync(f)]);
}
