import { partitionForKey } from '@kafka-fleet/core';
import type { ICustomPartitioner, Message, PartitionMetadata } from 'kafkajs';

/**
 * KafkaJS partitioner that routes keyed records with the one murmur2 implementation in
 * `@kafka-fleet/core` (identical to Java's and to librdkafka's `murmur2_random`), honours an
 * explicit `partition`, and spreads keyless records round-robin. It records the partition it chose
 * for each message object, so a caller can check afterwards that every partition was acknowledged
 * (see `sendCompletely`), and the partition metadata (count, leaders) it last saw per topic.
 */
export function createFleetPartitioner(
  chosen?: WeakMap<Message, number>,
  /**
   * Filled with each topic's partitions as KafkaJS knows them, so a caller can predict keyed
   * partitions and split a send by leader before KafkaJS sees it.
   */
  metadata?: Map<string, readonly PartitionMetadata[]>,
): ICustomPartitioner {
  return () => {
    let nextKeyless = 0;
    return ({ topic, partitionMetadata, message }) => {
      const count = partitionMetadata.length;
      metadata?.set(topic, partitionMetadata);
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
