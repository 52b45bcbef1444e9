import { Kafka, type Consumer } from 'kafkajs';
import type {
  BackendConsumer,
  ClusterConnection,
  ConsumedRecord,
  ConsumerSettings,
  RunOptions,
  TopicPartition,
  TopicPartitionOffset,
} from '../backend-port';
import { kafkaJsClientConfig } from './kafkajs-config';
import { mapKafkaJsError } from './kafkajs-error-mapper';

/**
 * KafkaJS consumer behind the port. KafkaJS rebalances eagerly and has no revoke callback, but it
 * finishes the in-flight `eachMessage` before it rejoins; the routing consumer commits after every
 * handled record, so nothing handled is left uncommitted when partitions move.
 */
export class KafkaJsConsumer implements BackendConsumer {
  private readonly consumer: Consumer;
  private assigned: TopicPartition[] = [];

  constructor(
    private readonly cluster: ClusterConnection,
    private readonly settings: ConsumerSettings,
  ) {
    this.consumer = new Kafka(kafkaJsClientConfig(cluster)).consumer({
      groupId: settings.groupId,
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(settings.sessionTimeoutMs / 10)),
      rebalanceTimeout: settings.sessionTimeoutMs * 2,
    });
  }

  private wrap<T>(what: string, run: () => Promise<T>): Promise<T> {
    return run().catch((error: unknown) => {
      throw mapKafkaJsError(error, {
        cluster: this.cluster.clusterId,
        group: this.settings.groupId,
        op: what,
      });
    });
  }

  connect(): Promise<void> {
    return this.wrap('connect', () => this.consumer.connect());
  }

  async subscribe(topics: readonly string[]): Promise<void> {
    await this.wrap('subscribe', () =>
      this.consumer.subscribe({ topics: [...topics], fromBeginning: this.settings.fromBeginning }),
    );
  }

  async run(handler: (record: ConsumedRecord) => Promise<void>, options: RunOptions = {}): Promise<void> {
    const { listener, autoCommit = true } = options;
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      this.assigned = Object.entries(event.payload.memberAssignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => ({ topic, partition })),
      );
      listener?.onAssigned?.(this.assigned, { rebalanceMs: event.payload.duration });
    });
    await this.wrap('run', () =>
      this.consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          const headers: Record<string, Buffer> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) {
            if (v !== undefined)
              headers[k] = Buffer.isBuffer(v) ? v : Buffer.from(String(Array.isArray(v) ? v[0] : v));
          }
          const record = {
            topic,
            partition,
            offset: message.offset,
            key: message.key,
            value: message.value,
            headers,
            timestamp: message.timestamp,
          };
          try {
            await handler(record);
          } catch (error) {
            options.onHandlerError?.(error, record);
            // Rethrown as retriable: KafkaJS then seeks back and redelivers the record after its
            // back-off. A non-retriable error would crash KafkaJS's runner for good.
            throw Object.assign(new Error(`handler failed: ${(error as Error)?.message ?? String(error)}`), {
              retriable: true,
              cause: error,
            });
          }
          // Awaited before the next record: KafkaJS finishes this before it rejoins a rebalance.
          if (autoCommit)
            await this.consumer.commitOffsets([
              { topic, partition, offset: (BigInt(message.offset) + 1n).toString() },
            ]);
        },
      }),
    );
  }

  commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    return this.wrap('commit', () => this.consumer.commitOffsets(offsets.map((o) => ({ ...o }))));
  }

  /** Nothing to do: each handled record's commit was awaited before the next record. */
  async flush(): Promise<void> {}

  async committed(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    const admin = new Kafka(kafkaJsClientConfig(this.cluster)).admin();
    await admin.connect();
    try {
      const topics = [...new Set(partitions.map((p) => p.topic))];
      const result = await admin.fetchOffsets({ groupId: this.settings.groupId, topics });
      return result.flatMap((t) =>
        t.partitions
          .filter((p) => partitions.some((q) => q.topic === t.topic && q.partition === p.partition))
          .map((p) => ({ topic: t.topic, partition: p.partition, offset: p.offset })),
      );
    } finally {
      await admin.disconnect();
    }
  }

  seek(target: TopicPartitionOffset): void {
    this.consumer.seek({ ...target });
  }

  pause(partitions: readonly TopicPartition[]): void {
    this.consumer.pause(groupByTopic(partitions));
  }

  resume(partitions: readonly TopicPartition[]): void {
    this.consumer.resume(groupByTopic(partitions));
  }

  assignment(): TopicPartition[] {
    return [...this.assigned];
  }

  async disconnect(): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
  }
}

function groupByTopic(partitions: readonly TopicPartition[]): Array<{ topic: string; partitions: number[] }> {
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  return [...byTopic].map(([topic, list]) => ({ topic, partitions: list }));
}
