import { Kafka, type Message, type Producer } from 'kafkajs';
import { partitionForKey } from '@kafka-fleet/core';
import type {
  BackendProducer,
  ClusterConnection,
  OutgoingRecord,
  PartitionAck,
  ProducerSettings,
} from '../backend-port';
import { createFleetPartitioner } from './fleet-partitioner';
import { KAFKAJS_COMPRESSION, kafkaJsClientConfig } from './kafkajs-config';
import { mapKafkaJsError } from './kafkajs-error-mapper';
import { SendCoalescer } from './send-coalescer';
import { sendCompletely } from './send-completely';

export class KafkaJsProducer implements BackendProducer {
  private readonly chosen = new WeakMap<Message, number>();
  private readonly coalescers = new Map<string, SendCoalescer<Message>>();
  /** Partition count per topic, as the partitioner last saw it. */
  private readonly partitionCounts = new Map<string, number>();
  private readonly producer: Producer;

  constructor(
    private readonly cluster: ClusterConnection,
    private readonly settings: ProducerSettings,
  ) {
    this.producer = new Kafka(kafkaJsClientConfig(cluster, settings.requestTimeoutMs)).producer({
      createPartitioner: createFleetPartitioner(this.chosen, this.partitionCounts),
      // Idempotence keeps KafkaJS's own retries from duplicating records; it needs one request in flight.
      idempotent: true,
      maxInFlightRequests: 1,
    });
  }

  async connect(): Promise<void> {
    await this.producer.connect().catch((e) => {
      throw mapKafkaJsError(e, { cluster: this.cluster.clusterId });
    });
  }

  async send(topic: string, records: readonly OutgoingRecord[]): Promise<PartitionAck[]> {
    // Records without a timestamp already have KafkaJS's message shape: no copy on the hot path.
    const messages = records.map((r) =>
      r.timestamp === undefined ? (r as Message) : { ...r, timestamp: String(r.timestamp) },
    );
    return this.coalescerOf(topic).send(messages);
  }

  /** One request in flight per topic, so concurrent sends keep their order (see SendCoalescer). */
  private coalescerOf(topic: string): SendCoalescer<Message> {
    let coalescer = this.coalescers.get(topic);
    if (!coalescer) {
      coalescer = new SendCoalescer<Message>(
        (messages) => this.sendNow(topic, messages),
        (m) => this.chosen.get(m) ?? m.partition,
        (m) => ({ bytes: sizeOf(m.value) + sizeOf(m.key), partition: this.expectedPartition(topic, m) }),
      );
      this.coalescers.set(topic, coalescer);
    }
    return coalescer;
  }

  /** The partition a message will get, when known before sending (keyed, with the count seen). */
  private expectedPartition(topic: string, m: Message): number | undefined {
    if (typeof m.partition === 'number') return m.partition;
    const count = this.partitionCounts.get(topic);
    return count !== undefined && m.key !== null && m.key !== undefined
      ? partitionForKey(m.key, count)
      : undefined;
  }

  private async sendNow(topic: string, messages: Message[]): Promise<PartitionAck[]> {
    try {
      const { metadata } = await sendCompletely(
        (record) => this.producer.send(record),
        {
          topic,
          acks: -1,
          timeout: this.settings.requestTimeoutMs,
          compression: KAFKAJS_COMPRESSION[this.settings.compression],
          messages,
        },
        this.chosen,
      );
      return metadata
        .filter((m) => m.topicName === topic)
        .map((m) => ({ partition: m.partition, baseOffset: m.baseOffset ?? '-1' }));
    } catch (error) {
      throw mapKafkaJsError(error, { cluster: this.cluster.clusterId, topic });
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }
}

function sizeOf(data: Message['value'] | Message['key']): number {
  if (data === null || data === undefined) return 0;
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}
