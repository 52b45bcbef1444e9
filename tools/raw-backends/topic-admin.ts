import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createTopicWithLeaders } from '@kafka-fleet/core';
import type { KafkaClusterSpec } from '../stack/stack-definition';

export function adminFor(cluster: KafkaClusterSpec): Admin {
  return new Kafka({
    clientId: 'kafka-fleet-tools',
    brokers: [...cluster.bootstrapServers],
    logLevel: logLevel.NOTHING,
  }).admin();
}

/** Creates a topic with the cluster's replication factor and waits for its leaders. */
export async function createTopic(
  cluster: KafkaClusterSpec,
  topic: string,
  numPartitions: number,
): Promise<void> {
  const admin = adminFor(cluster);
  await admin.connect();
  try {
    await createTopicWithLeaders(
      admin,
      { topic, numPartitions, replicationFactor: cluster.replicationFactor },
      15_000,
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * The end offset (high watermark) of each partition that holds records now; partitions emptied by
 * retention are left out, as a read from the beginning finds nothing in them.
 */
export async function endOffsets(
  cluster: KafkaClusterSpec,
  topic: string,
): Promise<ReadonlyMap<number, number>> {
  const admin = adminFor(cluster);
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(
      offsets
        .filter((o) => Number(o.high) > Number(o.low))
        .map((o) => [o.partition, Number(o.high)] as const),
    );
  } finally {
    await admin.disconnect();
  }
}
