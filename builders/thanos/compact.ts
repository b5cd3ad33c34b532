import type { BucketRetention } from "../../config/types";
import { httpAddressArgs, objstoreArgs, thanosArgs } from "./common";

export interface CompactArgsParams {
  /** `host:port` of the HTTP server (metrics, probes, bucket UI). */
  readonly httpAddress: string;
  readonly dataDir: string;
  readonly objstoreConfigFile: string;
  readonly retention: BucketRetention;
  /** Pause between compaction runs (`--wait-interval`). */
  readonly waitInterval: string;
  /** Blocks younger than this are left alone, so a block still being uploaded is never read half-written. */
  readonly consistencyDelay: string;
}

/**
 * `thanos compact`, running continuously (`--wait`): compacts, downsamples to 5m and 1h (on by default) and
 * deletes blocks past each resolution's retention (`0d` keeps them forever). Exactly one may run per bucket:
 * the component enforces it.
 */
export function compactArgs(p: CompactArgsParams): string[] {
  return thanosArgs(
    "compact",
    ["--wait", `--wait-interval=${p.waitInterval}`, `--consistency-delay=${p.consistencyDelay}`],
    httpAddressArgs(p.httpAddress),
    [`--data-dir=${p.dataDir}`],
    objstoreArgs(p.objstoreConfigFile),
    [
      `--retention.resolution-raw=${p.retention.raw}`,
      `--retention.resolution-5m=${p.retention.fiveMinutes}`,
      `--retention.resolution-1h=${p.retention.oneHour}`,
    ],
  );
}
