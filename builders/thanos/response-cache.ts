/**
 * The Query Frontend's results cache (`--query-range.response-cache-config-file`), as Thanos v0.42 parses it
 * (pkg/queryfrontend/config.go, NewCacheConfig: `type` and `config`, read strictly for MEMCACHED).
 */

/** One in-memory cache per frontend replica (the `IN-MEMORY` type): a replica that restarts or is new starts cold. */
export function inMemoryResponseCacheConfig(maxSize: string) {
  return { type: "IN-MEMORY", config: { max_size: maxSize, max_size_items: 0, validity: "0s" } };
}

export interface MemcachedResponseCacheParams {
  /**
   * `host:port` of every memcached server, or a Thanos DNS discovery name (`dns+<headless service>:<port>`,
   * re-resolved every `dns_provider_update_interval`): the frontend spreads keys over them by jump hash.
   */
  readonly addresses: readonly string[];
  /** How long a cached extent lives (Go duration; Thanos' default is 24h). */
  readonly expiration: string;
  /** Largest result stored (Thanos' default 1MiB, memcached's own `-I` default): bigger ones are not cached. */
  readonly maxItemSize: string;
}

/**
 * A results cache in memcached (the `MEMCACHED` type), shared by every frontend replica: a result one replica
 * computed is a hit on the others, and it survives a replica's restart or a rolling update. Only fields of
 * cacheutil.MemcachedClientConfig and `expiration`; the rest keep Thanos' defaults (500ms timeout, 100 idle
 * connections, 10 async writers).
 */
export function memcachedResponseCacheConfig(p: MemcachedResponseCacheParams) {
  if (p.addresses.length === 0) throw new Error("a memcached results cache needs at least one address");
  return {
    type: "MEMCACHED",
    config: {
      addresses: [...p.addresses],
      max_item_size: p.maxItemSize,
      dns_provider_update_interval: "10s",
      expiration: p.expiration,
    },
  };
}
