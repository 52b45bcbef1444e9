import { CompressionTypes, logLevel, type KafkaConfig } from 'kafkajs';
import type { ClusterConnection, ProducerSettings } from '../backend-port';

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
