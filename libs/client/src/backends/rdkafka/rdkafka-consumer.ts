import type { KafkaConsumer, LibrdKafkaError, Message, TopicPartition as RdTopicPartition } from 'node-rdkafka';
import type {
  BackendConsumer,
  ClusterConnection,
  ConsumedRecord,
  ConsumerSettings,
  RebalanceListener,
  TopicPartition,
  TopicPartitionOffset,
} from '../backend-port';
import { loadRdkafka } from './load-rdkafka';
import { rdkafkaConsumerConfig } from './rdkafka-config';
import { mapRdkafkaError } from './rdkafka-error-mapper';

// rd_kafka_resp_err_t values delivered to the rebalance callback.
const ASSIGN = -175;
const REVOKE = -174;

/**
 * node-rdkafka consumer behind the port, with cooperative-sticky assignment and static membership.
 * Revocations go through our rebalance callback, which lets the routing consumer commit the
 * revoked partitions' progress before librdkafka gives them away.
 */
export class RdkafkaConsumer implements BackendConsumer {
  private readonly consumer: KafkaConsumer;
  private listener?: RebalanceListener;
  private running = false;
  private stopped?: Promise<void>;

  constructor(
    private readonly cluster: ClusterConnection,
    private readonly settings: ConsumerSettings,
  ) {
    const { global, topic } = rdkafkaConsumerConfig(cluster, settings);
    this.consumer = new (loadRdkafka().KafkaConsumer)(
      { ...global, rebalance_cb: (error: LibrdKafkaError, assignment: RdTopicPartition[]) => this.onRebalance(error, assignment) },
      topic,
    );
  }

  private onRebalance(error: LibrdKafkaError, assignment: RdTopicPartition[]): void {
    const partitions = assignment.map(({ topic, partition }) => ({ topic, partition }));
    if (error.code === ASSIGN) {
      this.consumer.incrementalAssign(assignment);
      this.listener?.onAssigned?.(partitions);
    } else if (error.code === REVOKE) {
      // librdkafka waits for this callback to return before revoking; the commit itself is
      // synchronous on librdkafka's side (commitSync), so it happens before the partitions move.
      const done = this.listener?.onRevoking?.(partitions) ?? Promise.resolve();
      void done.finally(() => this.consumer.incrementalUnassign(assignment));
    }
  }

  private fail(op: string) {
    return (error: unknown) => mapRdkafkaError(error, { cluster: this.cluster.clusterId, group: this.settings.groupId, op });
  }

  connect(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.consumer.connect({ timeout: 15_000 }, (error) => (error ? reject(this.fail('connect')(error)) : resolve()));
    });
  }

  async subscribe(topics: readonly string[]): Promise<void> {
    this.consumer.subscribe([...topics]);
  }

  async run(handler: (record: ConsumedRecord) => Promise<void>, listener?: RebalanceListener): Promise<void> {
    this.listener = listener;
    this.running = true;
    this.stopped = (async () => {
      while (this.running) {
        const batch = await this.consumeBatch(100).catch(() => [] as Message[]);
        for (const m of batch) {
          if (!this.running) break;
          await handler(toRecord(m));
        }
      }
    })();
  }

  private consumeBatch(size: number): Promise<Message[]> {
    return new Promise((resolve, reject) => {
      this.consumer.consume(size, (error, messages) => (error ? reject(error) : resolve(messages)));
    });
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    try {
      this.consumer.commitSync(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: Number(o.offset) })));
    } catch (error) {
      throw this.fail('commit')(error);
    }
  }

  committed(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    return new Promise((resolve, reject) => {
      this.consumer.committed([...partitions], 10_000, (error, result) =>
        error ? reject(this.fail('committed')(error)) : resolve(result.map((r) => ({ topic: r.topic, partition: r.partition, offset: String(r.offset ?? -1001) }))),
      );
    });
  }

  seek(target: TopicPartitionOffset): void {
    this.consumer.seek({ topic: target.topic, partition: target.partition, offset: Number(target.offset) }, 5000, () => undefined);
  }

  pause(partitions: readonly TopicPartition[]): void {
    this.consumer.pause([...partitions]);
  }

  resume(partitions: readonly TopicPartition[]): void {
    this.consumer.resume([...partitions]);
  }

  assignment(): TopicPartition[] {
    return this.consumer.assignments().map(({ topic, partition }) => ({ topic, partition }));
  }

  async disconnect(): Promise<void> {
    this.running = false;
    await this.stopped;
    await new Promise<void>((resolve) => this.consumer.disconnect(() => resolve()));
  }
}

function toRecord(m: Message): ConsumedRecord {
  const headers: Record<string, Buffer> = {};
  for (const h of m.headers ?? []) {
    for (const [k, v] of Object.entries(h)) headers[k] = Buffer.isBuffer(v) ? v : Buffer.from(String(v));
  }
  return {
    topic: m.topic,
    partition: m.partition,
    offset: String(m.offset),
    key: m.key === undefined || m.key === null ? null : Buffer.isBuffer(m.key) ? m.key : Buffer.from(m.key),
    value: m.value ?? null,
    headers,
    timestamp: String(m.timestamp ?? 0),
  };
}
