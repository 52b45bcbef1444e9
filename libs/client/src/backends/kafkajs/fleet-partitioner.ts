import { partitionForKey } from '@kafka-fleet/core';
import type { ICustomPartitioner, Message } from 'kafkajs';

/**
 * KafkaJS partitioner that routes keyed records with the one murmur2 implementation in
 * `@kafka-fleet/core` (identical to Java's and to librdkafka's `murmur2_random`), honours an
 * explicit `partition`, and spreads keyless records round-robin. It records the partition it chose
 * for each message object, so a caller can check afterwards that every partition was acknowledged
 * (see `sendCompletely`).
 */
export function createFleetPartitioner(
  chosen?: WeakMap<Message, number>,
  /** Filled with each topic's partition count, so a caller can predict keyed partitions. */
  counts?: Map<string, number>,
): ICustomPartitioner {
  return () => {
    let nextKeyless = 0;
    return ({ topic, partitionMetadata, message }) => {
      const count = partitionMetadata.length;
      counts?.set(topic, count);
      // KafkaJS runs the partitioner again on each internal retry: a message keeps its first choice,
      // or a keyless record could be re-spread and acknowledged on the wrong partition.
      const earlier = chosen?.get(message);
      if (earlier !== undefined && earlier < count) return earlier;
      let partition: number;
      if (typeof message.partition === 'number') partition = message.partition;
      else if (message.key !== null && message.key !== undefined)
        partition = partitionForKey(message.key, count);
      else partition = nextKeyless++ % count;
      chosen?.set(message, partition);
      return partition;
    };
  };
}
