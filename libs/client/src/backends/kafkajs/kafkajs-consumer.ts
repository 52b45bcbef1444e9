import { Kafka, type Consumer, type EachBatchPayload, type KafkaMessage } from 'kafkajs';
import type {
  BackendConsumer,
  ClusterConnection,
  ConsumedRecord,
  ConsumerSettings,
  DeliveryContext,
  HandlerResult,
  RecordHandler,
  RunOptions,
  TopicPartition,
  TopicPartitionOffset,
} from '../backend-port';
import { kafkaJsClientConfig, kafkaJsConsumerConfig } from './kafkajs-config';
import { mapKafkaJsError } from './kafkajs-error-mapper';

/**
 * KafkaJS consumer behind the port. KafkaJS rebalances eagerly and has no revoke callback, but it
 * finishes the batch in hand before it fetches again or rejoins. Records are handled one by one
 * inside `eachBatch`, and the batch's handled offsets are committed before it returns, also when a
 * heartbeat reports a rebalance or a handler fails: nothing handled is left uncommitted when
 * partitions move, at one commit request per batch instead of one per record (which capped a
 * KafkaJS lane at one commit round trip per record).
 */
export class KafkaJsConsumer implements BackendConsumer {
  private readonly consumer: Consumer;
  private assigned: TopicPartition[] = [];
  /** Next offset to commit per partition, kept until a commit of exactly that offset succeeded. */
  private readonly handled = new Map<string, TopicPartitionOffset>();
  private committing: Promise<void> = Promise.resolve();
  /** The batch in hand, which a disconnect lets finish its record and commit. */
  private batchDone: Promise<void> = Promise.resolve();
  private stopping = false;
  private readonly pausedByUs = new Set<string>();

  constructor(
    private readonly cluster: ClusterConnection,
    private readonly settings: ConsumerSettings,
  ) {
    this.consumer = new Kafka(kafkaJsClientConfig(cluster, settings.requestTimeoutMs)).consumer(
      kafkaJsConsumerConfig(settings),
    );
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

  async run(handler: RecordHandler, options: RunOptions = {}): Promise<void> {
    const { listener } = options;
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      this.assigned = Object.entries(event.payload.memberAssignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => ({ topic, partition })),
      );
      // A partition now owned by another member must not get our older offset committed over its.
      const owned = new Set(this.assigned.map(keyOf));
      for (const key of this.handled.keys()) if (!owned.has(key)) this.handled.delete(key);
      listener?.onAssigned?.(this.assigned, { rebalanceMs: event.payload.duration });
    });
    await this.wrap('run', () =>
      this.consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => {
          const run = this.handleBatch(payload, handler, options);
          this.batchDone = run.catch(() => undefined);
          return run;
        },
      }),
    );
  }

  private async handleBatch(
    { batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload,
    handler: RecordHandler,
    options: RunOptions,
  ): Promise<void> {
    const { autoCommit = true } = options;
    const { topic, partition } = batch;
    const stopping = () => this.stopping || !isRunning() || isStale();
    const context = { heartbeat, stopping };
    try {
      for (const message of batch.messages) {
        // As KafkaJS's own eachMessage loop: a seek or a pause ends the batch; the rest is
        // fetched again from the last resolved offset.
        if (stopping() || this.isPaused(topic, partition)) break;
        if ((await this.handle(handler, toRecord(topic, partition, message), context, options)) === 'hold') {
          // Not resolved: fetching starts again at this record once the partition is resumed.
          this.pause([{ topic, partition }]);
          this.consumer.seek({ topic, partition, offset: message.offset });
          break;
        }
        resolveOffset(message.offset);
        if (autoCommit)
          this.handled.set(keyOf({ topic, partition }), {
            topic,
            partition,
            offset: (BigInt(message.offset) + 1n).toString(),
          });
        await heartbeat();
      }
    } catch (error) {
      if (autoCommit) await this.commitHandled().catch(() => undefined);
      throw error;
    }
    if (autoCommit) await this.commitHandled();
  }

  private async handle(
    handler: RecordHandler,
    record: ConsumedRecord,
    context: DeliveryContext,
    options: RunOptions,
  ): Promise<HandlerResult> {
    try {
      return await handler(record, context);
    } catch (error) {
      options.onHandlerError?.(error, record);
      // Rethrown as retriable: KafkaJS then fetches again from the last resolved offset and
      // redelivers the record after its back-off. A non-retriable error would crash its runner.
      throw Object.assign(new Error(`handler failed: ${(error as Error)?.message ?? String(error)}`), {
        retriable: true,
        cause: error,
      });
    }
  }

  /**
   * Asked for every record: KafkaJS's `paused()` walks the whole assignment, so it is asked only
   * for a partition we paused and did not resume (only we pause this consumer).
   */
  private isPaused(topic: string, partition: number): boolean {
    if (!this.pausedByUs.has(keyOf({ topic, partition }))) return false;
    return this.consumer.paused().some((p) => p.topic === topic && p.partitions.includes(partition));
  }

  /**
   * Commits the newest handled offset of each partition. Commits run one after another and each
   * reads the offsets when it starts, so a slow or retried commit never lands after a newer one
   * and moves a partition's committed offset back.
   */
  private commitHandled(): Promise<void> {
    const run = this.committing.then(async () => {
      const offsets = [...this.handled.values()];
      if (offsets.length === 0) return;
      await this.consumer.commitOffsets(offsets.map((o) => ({ ...o })));
      for (const o of offsets)
        if (this.handled.get(keyOf(o))?.offset === o.offset) this.handled.delete(keyOf(o));
    });
    this.committing = run.catch(() => undefined);
    return run;
  }

  commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    return this.wrap('commit', () => this.consumer.commitOffsets(offsets.map((o) => ({ ...o }))));
  }

  /** Commits what was handled and is not yet committed (a batch's own commit may have failed). */
  flush(): Promise<void> {
    return this.wrap('commit', () => this.commitHandled());
  }

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
    for (const p of partitions) this.pausedByUs.add(keyOf(p));
    this.consumer.pause(groupByTopic(partitions));
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const p of partitions) this.pausedByUs.delete(keyOf(p));
    this.consumer.resume(groupByTopic(partitions));
  }

  assignment(): TopicPartition[] {
    return [...this.assigned];
  }

  /**
   * Commits everything handled before it leaves the group: KafkaJS's own stop no longer sends
   * commits once it began, so the batch in hand is ended first, while the consumer still runs.
   */
  async disconnect(): Promise<void> {
    this.stopping = true;
    await this.batchDone;
    await this.commitHandled().catch(() => undefined);
    await this.consumer.disconnect().catch(() => undefined);
  }
}

function groupByTopic(partitions: readonly TopicPartition[]): Array<{ topic: string; partitions: number[] }> {
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  return [...byTopic].map(([topic, list]) => ({ topic, partitions: list }));
}

function keyOf(p: TopicPartition): string {
  return `${p.topic}:${p.partition}`;
}

function toRecord(topic: string, partition: number, message: KafkaMessage): ConsumedRecord {
  const headers: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) {
    if (v !== undefined)
      headers[k] = Buffer.isBuffer(v) ? v : Buffer.from(String(Array.isArray(v) ? v[0] : v));
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers,
    timestamp: message.timestamp,
  };
}
