import type { RelabelConfig } from "./types";

/** Which shard a Prometheus config is for. */
export interface ShardPosition {
  readonly shard: number;
  readonly shards: number;
}

export const SHARD_HASH_LABEL = "__tmp_hash";

/**
 * Hashmod sharding: every shard hashes each target's `__address__` the same way and keeps the targets whose
 * hash is its own number, so the shards split the targets without overlap or gap. A single shard keeps every
 * target and needs no rule. `__tmp_` labels are dropped after relabeling, so the hash never reaches a series.
 */
export function hashmodSharding(position: ShardPosition): RelabelConfig[] {
  if (!Number.isInteger(position.shards) || position.shards < 1) {
    throw new Error(`shards must be a positive integer, got ${position.shards}`);
  }
  if (!Number.isInteger(position.shard) || position.shard < 0 || position.shard >= position.shards) {
    throw new Error(`shard must be an integer from 0 to ${position.shards - 1}, got ${position.shard}`);
  }
  if (position.shards === 1) return [];
  return [
    { source_labels: ["__address__"], modulus: position.shards, target_label: SHARD_HASH_LABEL, action: "hashmod" },
    { source_labels: [SHARD_HASH_LABEL], regex: String(position.shard), action: "keep" },
  ];
}
