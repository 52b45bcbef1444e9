import type { ClusterConnection, ConsumerSettings, ProducerSettings } from '../backend-port';

/**
 * Our settings → librdkafka properties. Pinned, whatever the app asks: acks=all, idempotence, and
 * `murmur2_random` (Java-compatible murmur2 for keyed records; librdkafka's default
 * `consistent_random` hashes with CRC32 and would put keys in other partitions than KafkaJS/Java).
 */
export function rdkafkaProducerConfig(cluster: ClusterConnection, settings: ProducerSettings) {
  return {
    global: {
      'metadata.broker.list': cluster.bootstrapServers.join(','),
      'client.id': cluster.clientId,
      dr_cb: true,
      'enable.idempotence': true,
      'linger.ms': settings.lingerMs,
      'compression.codec': settings.compression,
      ...(settings.batchSizeBytes ? { 'batch.size': settings.batchSizeBytes } : {}),
      'socket.keepalive.enable': true,
    },
    topic: {
      partitioner: 'murmur2_random',
      'request.required.acks': -1,
      'request.timeout.ms': settings.requestTimeoutMs,
      // librdkafka retries in order and idempotently by itself: its retries are the send budget.
      'message.timeout.ms': settings.deliveryTimeoutMs ?? Math.max(settings.requestTimeoutMs * 2, 60_000),
    },
  } as const;
}

export function rdkafkaConsumerConfig(cluster: ClusterConnection, settings: ConsumerSettings) {
  return {
    global: {
      'metadata.broker.list': cluster.bootstrapServers.join(','),
      'client.id': cluster.clientId,
      'group.id': settings.groupId,
      ...(settings.groupInstanceId ? { 'group.instance.id': settings.groupInstanceId } : {}),
      'partition.assignment.strategy': 'cooperative-sticky',
      'session.timeout.ms': settings.sessionTimeoutMs,
      ...(settings.heartbeatIntervalMs ? { 'heartbeat.interval.ms': settings.heartbeatIntervalMs } : {}),
      ...(settings.maxPollIntervalMs ? { 'max.poll.interval.ms': settings.maxPollIntervalMs } : {}),
      ...(settings.fetchMaxBytes ? fetchLimits(settings.fetchMaxBytes) : {}),
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      'socket.keepalive.enable': true,
    },
    topic: { 'auto.offset.reset': settings.fromBeginning ? 'earliest' : 'latest' },
  } as const;
}

/**
 * librdkafka refuses to create a consumer whose `fetch.max.bytes` is below its `message.max.bytes`
 * (1,000,000 by default) or its `receive.message.max.bytes` below `fetch.max.bytes` + 512, so a
 * fetch limit moves those with it; a partition's fetch never exceeds the whole fetch.
 */
function fetchLimits(fetchMaxBytes: number) {
  return {
    'fetch.max.bytes': fetchMaxBytes,
    'message.max.bytes': Math.min(fetchMaxBytes, 1_000_000),
    'max.partition.fetch.bytes': Math.min(fetchMaxBytes, 1_048_576),
    'receive.message.max.bytes': Math.max(fetchMaxBytes + 512, 100_000_000),
  };
}
