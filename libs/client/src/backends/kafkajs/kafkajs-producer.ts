import { Kafka, type Message, type Producer } from 'kafkajs';
import type {
  BackendProducer,
  ClusterConnection,
  OutgoingRecord,
  ProducerSettings,
  RecordAck,
} from '../backend-port';
import { createFleetPartitioner } from './fleet-partitioner';
import { KAFKAJS_COMPRESSION, kafkaJsClientConfig } from './kafkajs-config';
import { mapKafkaJsError } from './kafkajs-error-mapper';
import { sendCompletely } from './send-completely';

export class KafkaJsProducer implements BackendProducer {
  private readonly chosen = new WeakMap<Message, number>();
  private readonly producer: Producer;

  constructor(
    private readonly cluster: ClusterConnection,
    private readonly settings: ProducerSettings,
  ) {
    this.producer = new Kafka(kafkaJsClientConfig(cluster, settings.requestTimeoutMs)).producer({
      createPartitioner: createFleetPartitioner(this.chosen),
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

  async send(topic: string, records: readonly OutgoingRecord[]): Promise<RecordAck[]> {
    const messages: Message[] = records.map((r) => ({
      key: r.key ?? null,
      value: r.value,
      headers: r.headers,
      timestamp: r.timestamp?.toString(),
    }));
    try {
      const { acks } = await sendCompletely(
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
      return messages.map((m) => acks.get(m) ?? { partition: -1, offset: '-1' });
    } catch (error) {
      throw mapKafkaJsError(error, { cluster: this.cluster.clusterId, topic });
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }
}
