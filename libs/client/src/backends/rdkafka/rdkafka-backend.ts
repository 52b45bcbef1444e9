import type { KafkaBackend } from '../backend-port';
import { RdkafkaConsumer } from './rdkafka-consumer';
import { RdkafkaProducer } from './rdkafka-producer';

/**
 * node-rdkafka (librdkafka): cooperative-sticky rebalancing and static membership. The native
 * module is loaded on first use only.
 *
 * @example
 * if (rdkafkaBackend.capabilities.staticMembership) settings = { ...settings, groupInstanceId: podName };
 */
export const rdkafkaBackend: KafkaBackend = {
  name: 'rdkafka',
  capabilities: {
    cooperativeRebalance: true,
    staticMembership: true,
    transactions: true,
    headers: true,
    idempotentProducer: true,
  },
  createProducer: (cluster, settings) => new RdkafkaProducer(cluster, settings),
  createConsumer: (cluster, settings) => new RdkafkaConsumer(cluster, settings),
};
