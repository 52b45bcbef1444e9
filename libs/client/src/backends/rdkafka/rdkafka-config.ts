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
      'socket.keepalive.enable': true,
    },
    topic: {
      partitioner: 'murmur2_random',
      'request.required.acks': -1,
      'message.timeout.ms': Math.max(settings.requestTimeoutMs * 2, 60_000),
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
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      'socket.keepalive.enable': true,
    },
    topic: { 'auto.offset.reset': settings.fromBeginning ? 'earliest' : 'latest' },
  } as const;
}
