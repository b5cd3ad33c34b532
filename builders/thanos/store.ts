import {
  grpcServerTlsArgs,
  type GrpcServerTls,
  listenArgs,
  objstoreArgs,
  thanosArgs,
  type ThanosListen,
} from "./common";

export interface StoreArgsParams {
  readonly listen: ThanosListen;
  /** Mutual TLS on the StoreAPI; absent: plain gRPC, for a store gateway read inside its own cluster only. */
  readonly tls?: GrpcServerTls;
  readonly dataDir: string;
  readonly objstoreConfigFile: string;
  /** In-memory index cache; the sizing function gives it a share of the pod's memory. */
  readonly indexCacheSizeMiB: number;
  /** How often the gateway looks for new blocks in the bucket (`--sync-block-duration`). */
  readonly syncInterval: string;
}

/** `thanos store`: serves the bucket's blocks over the StoreAPI (mutual TLS where it is reached from outside). */
export function storeArgs(p: StoreArgsParams): string[] {
  if (!Number.isInteger(p.indexCacheSizeMiB) || p.indexCacheSizeMiB < 1) {
    throw new Error(`store gateway index cache must be a positive number of MiB, got ${p.indexCacheSizeMiB}`);
  }
  return thanosArgs(
    "store",
    listenArgs(p.listen),
    p.tls ? grpcServerTlsArgs(p.tls) : [],
    [`--data-dir=${p.dataDir}`],
    objstoreArgs(p.objstoreConfigFile),
    [
      `--index-cache-size=${p.indexCacheSizeMiB}MB`,
      `--sync-block-duration=${p.syncInterval}`,
      // Index headers are loaded when a query needs them, not all at start: memory follows the queries.
      "--store.enable-index-header-lazy-reader",
    ],
  );
}
