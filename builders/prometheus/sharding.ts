import type { RelabelConfig } from "./types";

/** Which shard a Prometheus config is for. */
export interface ShardPosition {
  readonly shard: number;
  /** The active shard count: the hashmod modulus every active shard uses. */
  readonly shards: number;
  /**
   * A shard taken out of the count (its number is `shards` or more) that stays deployed until its last blocks
   * are uploaded: it keeps no target, so the active shards' shares do not change while it drains.
   */
  readonly retiring?: boolean;
}

export const SHARD_HASH_LABEL = "__tmp_hash";

/**
 * Hashmod sharding: every shard hashes each target's `__address__` the same way and keeps the targets whose
 * hash is its own number, so the shards split the targets without overlap or gap. A single shard keeps every
 * target and needs no rule; a retiring shard keeps none. `__tmp_` labels are dropped after relabeling, so the
 * hash never reaches a series.
 */
export function hashmodSharding(position: ShardPosition): RelabelConfig[] {
  if (!Number.isInteger(position.shards) || position.shards < 1) {
    throw new Error(`shards must be a positive integer, got ${position.shards}`);
  }
  if (position.retiring) {
    if (!Number.isInteger(position.shard) || position.shard < position.shards) {
      throw new Error(
        `a retiring shard must be an integer from ${position.shards} up (the active shards are 0 to ${position.shards - 1}), got ${position.shard}`,
      );
    }
    return [{ source_labels: ["__address__"], regex: ".*", action: "drop" }];
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
