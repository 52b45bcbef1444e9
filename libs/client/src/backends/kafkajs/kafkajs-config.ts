import {
  CompressionTypes,
  logLevel,
  PartitionAssigners,
  type ConsumerConfig,
  type KafkaConfig,
} from 'kafkajs';
import type { ClusterConnection, ConsumerSettings, ProducerSettings } from '../backend-port';
import { cooperativeStickyAssigner } from './cooperative-sticky-assigner';

/** Our settings → KafkaJS's. Durability is not configurable: acks=all and idempotence always. */
export function kafkaJsClientConfig(cluster: ClusterConnection, requestTimeoutMs = 30_000): KafkaConfig {
  return {
    clientId: cluster.clientId,
    brokers: [...cluster.bootstrapServers],
    logLevel: logLevel.NOTHING,
    requestTimeout: requestTimeoutMs,
    connectionTimeout: 5000,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5000 },
  };
}

export const KAFKAJS_COMPRESSION: Record<ProducerSettings['compression'], CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/**
 * Our consumer settings → KafkaJS's. `maxPollIntervalMs` has no KafkaJS counterpart (it never
 * expels a member for a slow handler), so it is not applied on this backend.
 */
export function kafkaJsConsumerConfig(settings: ConsumerSettings): ConsumerConfig {
  return {
    groupId: settings.groupId,
    sessionTimeout: settings.sessionTimeoutMs,
    heartbeatInterval:
      settings.heartbeatIntervalMs ?? Math.max(500, Math.floor(settings.sessionTimeoutMs / 10)),
    rebalanceTimeout: settings.sessionTimeoutMs * 2,
    // RoundRobin first: KafkaJS-only groups keep it; with rdkafka members only the second is shared.
    partitionAssigners: [PartitionAssigners.roundRobin, cooperativeStickyAssigner],
    ...(settings.fetchMaxBytes ? { maxBytes: settings.fetchMaxBytes } : {}),
  };
}
