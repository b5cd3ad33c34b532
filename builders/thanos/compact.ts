import type { BucketRetention } from "../../config/types";

export interface CompactArgsParams {
  readonly httpPort: number;
  readonly dataDir: string;
  readonly objstoreConfigFile: string;
  readonly retention: BucketRetention;
}

/**
 * `thanos compact`, running continuously (`--wait`): compacts, downsamples to 5m and 1h (on by default) and
 * deletes blocks past each resolution's retention (`0d` keeps them forever). Exactly one may run per bucket:
 * the component enforces it.
 */
export function compactArgs(p: CompactArgsParams): string[] {
  return [
    "compact",
    "--log.format=json",
    "--wait",
    `--http-address=0.0.0.0:${p.httpPort}`,
    `--data-dir=${p.dataDir}`,
    `--objstore.config-file=${p.objstoreConfigFile}`,
    `--retention.resolution-raw=${p.retention.raw}`,
    `--retention.resolution-5m=${p.retention.fiveMinutes}`,
    `--retention.resolution-1h=${p.retention.oneHour}`,
  ];
}
