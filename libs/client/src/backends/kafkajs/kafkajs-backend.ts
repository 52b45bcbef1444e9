import type { KafkaBackend } from '../backend-port';
import { KafkaJsConsumer } from './kafkajs-consumer';
import { KafkaJsProducer } from './kafkajs-producer';

/**
 * KafkaJS: pure JavaScript, eager rebalancing only, no static membership.
 *
 * @example
 * const producer = kafkaJsBackend.createProducer(cluster, { lingerMs: 5, requestTimeoutMs: 30_000, compression: 'none' });
 * await producer.connect();
 */
export const kafkaJsBackend: KafkaBackend = {
  name: 'kafkajs',
  capabilities: {
    cooperativeRebalance: false,
    staticMembership: false,
    transactions: true,
    headers: true,
    idempotentProducer: true,
  },
  createProducer: (cluster, settings) => new KafkaJsProducer(cluster, settings),
  createConsumer: (cluster, settings) => new KafkaJsConsumer(cluster, settings),
};
