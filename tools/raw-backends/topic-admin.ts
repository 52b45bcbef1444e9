import { Kafka, logLevel, type Admin } from 'kafkajs';
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
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions, replicationFactor: cluster.replicationFactor }],
    });
  } finally {
    await admin.disconnect();
  }
}
