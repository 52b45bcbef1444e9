import { kafkaJsConsumerConfig } from './kafkajs/kafkajs-config';
import { rdkafkaConsumerConfig, rdkafkaProducerConfig } from './rdkafka/rdkafka-config';

const cluster = {
  clusterId: 'alpha',
  bootstrapServers: ['a:9092', 'b:9092'],
  clientId: 'payments-api-rdkafka',
};
const base = { groupId: 'g', sessionTimeoutMs: 30_000, fromBeginning: true };

describe('backend configs from our settings', () => {
  it('keeps each backend default for a setting nobody overrode', () => {
    const rd = rdkafkaConsumerConfig(cluster, base).global;
    for (const key of [
      'heartbeat.interval.ms',
      'max.poll.interval.ms',
      'fetch.max.bytes',
      'message.max.bytes',
    ])
      expect(rd).not.toHaveProperty([key]);
    expect(kafkaJsConsumerConfig(base)).toMatchObject({
      groupId: 'g',
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
      rebalanceTimeout: 60_000,
    });
    expect(
      rdkafkaProducerConfig(cluster, { lingerMs: 5, requestTimeoutMs: 30_000, compression: 'none' }).global,
    ).not.toHaveProperty(['batch.size']);
  });

  it('maps every consumer override, and moves the limits librdkafka checks against a smaller fetch', () => {
    const tuned = { ...base, heartbeatIntervalMs: 2000, maxPollIntervalMs: 60_000, fetchMaxBytes: 65_536 };
    expect(rdkafkaConsumerConfig(cluster, tuned).global).toMatchObject({
      'session.timeout.ms': 30_000,
      'heartbeat.interval.ms': 2000,
      'max.poll.interval.ms': 60_000,
      'fetch.max.bytes': 65_536,
      'message.max.bytes': 65_536,
      'max.partition.fetch.bytes': 65_536,
    });
    expect(kafkaJsConsumerConfig(tuned)).toMatchObject({ heartbeatInterval: 2000, maxBytes: 65_536 });
  });

  it('maps the producer overrides and keeps the pinned settings whatever is asked', () => {
    const { global, topic } = rdkafkaProducerConfig(cluster, {
      lingerMs: 20,
      requestTimeoutMs: 10_000,
      compression: 'zstd',
      batchSizeBytes: 65_536,
    });
    expect(global).toMatchObject({
      'linger.ms': 20,
      'compression.codec': 'zstd',
      'batch.size': 65_536,
      'enable.idempotence': true,
    });
    expect(topic).toMatchObject({
      'request.required.acks': -1,
      'request.timeout.ms': 10_000,
      partitioner: 'murmur2_random',
    });
  });
});
