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
  /**
   * In-memory caching bucket (MiB): chunks and block metadata read from the bucket are kept, so panels
   * and refreshes that read the same series again are not fetched again. Absent: every read goes to the bucket
   * (the benchmark's query path measures both).
   */
  readonly chunkCacheSizeMiB?: number;
}

/**
 * The caching bucket (`--store.caching-bucket.config`, pkg/store/cache/cachingbucket_factory.go at v0.42.4; a
 * flag the pinned release hides from its help, read strictly): the in-memory backend with its size. Chunk
 * subranges are 16 kB and metadata files at most 1 MiB (its defaults), so 16 MB bounds an item generously.
 */
export function cachingBucketConfig(sizeMiB: number) {
  if (!Number.isInteger(sizeMiB) || sizeMiB < 16)
    throw new Error(`store gateway chunk cache must be a whole number of MiB, at least 16, got ${sizeMiB}`);
  return {
    type: "IN-MEMORY",
    config: { max_size: `${sizeMiB}MB`, max_item_size: "16MB" },
    // Thanos caches the bucket's block listing for 5 minutes and a missing meta.json for 15 by default: the
    // gateway would then miss a block uploaded (or still uploading) since for that long, a gap in every query
    // over it. A TTL of zero caches neither (pkg/store/cache/caching_bucket.go stores only a positive TTL), so
    // new blocks show at the next sync as without the cache; chunks and meta.json contents stay cached.
    blocks_iter_ttl: "0s",
    metafile_doesnt_exist_ttl: "0s",
  };
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
      // JSON is YAML: the config rides on the command line, so the pod needs no file for it.
      ...(p.chunkCacheSizeMiB !== undefined
        ? [`--store.caching-bucket.config=${JSON.stringify(cachingBucketConfig(p.chunkCacheSizeMiB))}`]
        : []),
    ],
  );
}
