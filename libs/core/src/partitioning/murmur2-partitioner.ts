/**
 * Kafka's Java `murmur2` (org.apache.kafka.common.utils.Utils#murmur2) and the default keyed
 * partition choice `toPositive(murmur2(key)) % partitions`. Every backend routes keyed records
 * through this one function, so a key lands in the same partition number whichever backend sends
 * it and on whichever cluster the topic lives: the property per-key order across a shuffle needs.
 *
 * librdkafka's default (`consistent_random`, CRC32) disagrees with Java; its `murmur2_random`
 * setting matches this function for non-null keys.
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const blocks = length >> 2;
  for (let i = 0; i < blocks; i++) {
    const o = i << 2;
    // Little-endian 32-bit read, as Java's implementation does.
    let k = data[o] | (data[o + 1] << 8) | (data[o + 2] << 16) | (data[o + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = blocks << 2;
  // Java's switch falls through from the highest remaining byte down to the first.
  const remaining = length & 3;
  if (remaining === 3) h ^= data[tail + 2] << 16;
  if (remaining >= 2) h ^= data[tail + 1] << 8;
  if (remaining >= 1) {
    h ^= data[tail];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Java's `Utils.toPositive`: clears the sign bit (not `Math.abs`, which breaks on MIN_VALUE). */
export function toPositive(value: number): number {
  return value & 0x7fffffff;
}

const encoder = new TextEncoder();

/** The partition Kafka's Java client (and KafkaJS's default partitioner) picks for a keyed record. */
export function partitionForKey(key: string | Uint8Array, partitionCount: number): number {
  if (!Number.isInteger(partitionCount) || partitionCount < 1) {
    throw new RangeError(`partitionCount must be a positive integer, got ${partitionCount}`);
  }
  const bytes = typeof key === 'string' ? encoder.encode(key) : key;
  return toPositive(murmur2(bytes)) % partitionCount;
}
