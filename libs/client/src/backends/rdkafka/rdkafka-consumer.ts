import type {
  KafkaConsumer,
  LibrdKafkaError,
  Message,
  TopicPartition as RdTopicPartition,
} from 'node-rdkafka';
import type {
  BackendConsumer,
  ClusterConnection,
  ConsumedRecord,
  ConsumerSettings,
  RecordHandler,
  RunOptions,
  TopicPartition,
  TopicPartitionOffset,
} from '../backend-port';
import { loadRdkafka } from './load-rdkafka';
import { rdkafkaConsumerConfig } from './rdkafka-config';
import { BackendError } from '../../errors/client-errors';
import { mapRdkafkaError } from './rdkafka-error-mapper';

// rd_kafka_resp_err_t values delivered to the rebalance callback.
const ASSIGN = -175;
const REVOKE = -174;
const COMMIT_INTERVAL_MS = 100;
/** How long a confirmed commit waits for the coordinator's answer before it fails (retriable). */
const COMMIT_CONFIRM_MS = 10_000;
// RD_KAFKA_RESP_ERR__NO_OFFSET: nothing newer to commit, i.e. already committed.
const NO_OFFSET = -168;

/** A commit someone awaits: settled by the `offset.commit` report that covers its offsets. */
interface CommitWaiter {
  readonly offsets: ReadonlyArray<RdTopicPartition & { offset: number }>;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * node-rdkafka consumer behind the port, with cooperative-sticky assignment and static membership.
 * Revocations go through our rebalance callback, which lets the routing consumer commit the
 * revoked partitions' progress before librdkafka gives them away.
 */
export class RdkafkaConsumer implements BackendConsumer {
  private readonly consumer: KafkaConsumer;
  private options: RunOptions = {};
  private running = false;
  /** When this member last started waiting for partitions (joined, or had some revoked). */
  private waitingSince = Date.now();
  private stopped?: Promise<void>;
  /** The handler currently running, so a revocation waits for it before committing. */
  private inflight: Promise<void> = Promise.resolve();
  /**
   * Next offset to commit per partition (librdkafka's numeric form), advanced once a handler
   * resolved, and dropped only once a commit of exactly that offset succeeded. Commits fail while
   * the group rebalances; forgetting an offset whose commit failed left a shuffle's drain waiting
   * for ever when no later record came to commit again (found by the shuffle benchmark).
   */
  private readonly handled = new Map<string, RdTopicPartition & { offset: number }>();
  private lastCommitAt = 0;
  /** Partitions this member owns: records of a partition being revoked are no longer handled. */
  private readonly owned = new Set<string>();
  private readonly commitWaiters = new Set<CommitWaiter>();

  constructor(
    private readonly cluster: ClusterConnection,
    private readonly settings: ConsumerSettings,
  ) {
    const { global, topic } = rdkafkaConsumerConfig(cluster, settings);
    this.consumer = new (loadRdkafka().KafkaConsumer)(
      {
        ...global,
        offset_commit_cb: true,
        rebalance_cb: (error: LibrdKafkaError, assignment: RdTopicPartition[]) =>
          this.onRebalance(error, assignment),
      },
      topic,
    );
    this.consumer.on('offset.commit', (error, offsets) => this.onCommitted(error, offsets));
  }

  private onRebalance(error: LibrdKafkaError, assignment: RdTopicPartition[]): void {
    const partitions = assignment.map(({ topic, partition }) => ({ topic, partition }));
    if (error.code === ASSIGN) {
      for (const p of partitions) {
        this.owned.add(keyOf(p));
        this.handled.delete(keyOf(p));
      }
      this.consumer.incrementalAssign(assignment);
      this.options.listener?.onAssigned?.(partitions, { rebalanceMs: Date.now() - this.waitingSince });
    } else if (error.code === REVOKE) {
      this.waitingSince = Date.now();
      // Stop handling the revoked partitions now: the rest of the batch in hand is not ours to handle.
      for (const p of partitions) this.owned.delete(keyOf(p));
      // librdkafka keeps the partitions until we unassign them: finish the record in hand, commit
      // what was handled on the revoked partitions and wait for the coordinator's answer (the
      // consume loop keeps polling, which delivers it), then let them go.
      void this.inflight
        .catch(() => undefined)
        .then(() => this.options.listener?.onRevoking?.(partitions))
        // Closing: disconnect committed everything handled already, and no report would come.
        .then(() => (this.running ? this.commitConfirmed(this.handledOf(partitions)) : undefined))
        .catch(() => undefined)
        .then(() => {
          // Whatever could not be committed now is the next owner's to replay (at least once).
          for (const p of partitions) this.handled.delete(keyOf(p));
          try {
            this.consumer.incrementalUnassign(assignment);
          } catch {
            // Revoked because we are closing: a disconnected consumer has nothing left to release.
          }
        });
    }
  }

  private fail(op: string) {
    return (error: unknown) =>
      mapRdkafkaError(error, { cluster: this.cluster.clusterId, group: this.settings.groupId, op });
  }

  connect(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.consumer.connect({ timeout: 15_000 }, (error) =>
        error ? reject(this.fail('connect')(error)) : resolve(),
      );
    });
  }

  async subscribe(topics: readonly string[]): Promise<void> {
    this.consumer.subscribe([...topics]);
  }

  async run(handler: RecordHandler, options: RunOptions = {}): Promise<void> {
    this.options = options;
    const autoCommit = options.autoCommit ?? true;
    this.running = true;
    this.stopped = (async () => {
      while (this.running) {
        // A failed poll backs off instead of spinning; librdkafka reconnects on its own.
        const batch = await this.consumeBatch(100).catch(
          () => new Promise<Message[]>((r) => setTimeout(() => r([]), 500)),
        );
        // Idle: retry what a failed asynchronous commit left unconfirmed.
        if (batch.length === 0 && this.handled.size > 0 && this.running) this.commitHandledAsync(true);
        const failed = new Set<string>();
        for (const m of batch) {
          if (!this.running) break;
          if (failed.has(keyOf(m))) continue; // a partition is replayed from its failed record
          if (!this.owned.has(keyOf(m))) continue; // revoked meanwhile: its new owner handles it
          const record = toRecord(m);
          const key = keyOf(m);
          const context = {
            heartbeat: noHeartbeat, // librdkafka heartbeats from its own thread
            stopping: () => !this.running || !this.owned.has(key),
          };
          const result = handler(record, context);
          // Only waited on (a revocation finishes the record in hand first); its failure is handled below.
          this.inflight = result.then(
            () => undefined,
            () => undefined,
          );
          try {
            if ((await result) === 'hold') {
              // Rewound to this record, then paused: a resume delivers it again.
              failed.add(key);
              this.seek({ topic: m.topic, partition: m.partition, offset: String(m.offset) });
              this.pause([{ topic: m.topic, partition: m.partition }]);
              continue;
            }
          } catch (error) {
            failed.add(key);
            options.onHandlerError?.(error, record);
            this.seek({ topic: m.topic, partition: m.partition, offset: String(m.offset) });
            continue;
          }
          if (autoCommit && this.owned.has(keyOf(m))) {
            const next = { topic: m.topic, partition: m.partition, offset: m.offset + 1 };
            this.handled.set(keyOf(m), next);
          }
        }
        this.commitHandledAsync();
        if (failed.size > 0) await new Promise((r) => setTimeout(r, 500));
      }
    })();
  }

  /**
   * One asynchronous commit of the newest handled offset of each owned partition, at most every
   * `COMMIT_INTERVAL_MS`: a commit per 100-record poll cost a replicated offset write per poll and
   * held a lane to a third of the raw consumer's rate. What is handled in between stays in
   * `handled` and is committed by the next one, an idle poll, a flush, a revocation or a close.
   */
  private commitHandledAsync(idle = false): void {
    const now = Date.now();
    // Idle retries at most once per confirmation window: an unanswered commit is still in flight.
    const interval = idle ? COMMIT_CONFIRM_MS / 10 : COMMIT_INTERVAL_MS;
    if (!this.running || now - this.lastCommitAt < interval) return;
    const owned = [...this.handled].filter(([key]) => this.owned.has(key)).map(([, next]) => ({ ...next }));
    if (owned.length === 0) return;
    this.lastCommitAt = now;
    this.consumer.commit(owned);
  }

  /** What was handled, not yet confirmed, on `partitions`. */
  private handledOf(partitions: readonly TopicPartition[]): Array<RdTopicPartition & { offset: number }> {
    return partitions.flatMap((p) => {
      const next = this.handled.get(keyOf(p));
      return next ? [{ ...next }] : [];
    });
  }

  /**
   * Commits asynchronously and resolves once the coordinator confirmed these offsets (or newer),
   * failing after COMMIT_CONFIRM_MS. librdkafka's `commitSync` is a blocking native call: with a
   * slow or frozen coordinator it can hold the event loop, heartbeats and every other lane with it
   * (seen once for a whole 10-minute freeze; often it returns at once).
   */
  private commitConfirmed(offsets: ReadonlyArray<RdTopicPartition & { offset: number }>): Promise<void> {
    if (offsets.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.commitWaiters.delete(waiter);
        reject(
          new BackendError(
            `rdkafka: the coordinator did not confirm the commit within ${COMMIT_CONFIRM_MS} ms`,
            'retry',
            {
              context: { cluster: this.cluster.clusterId, group: this.settings.groupId, backend: 'rdkafka' },
            },
          ),
        );
      }, COMMIT_CONFIRM_MS);
      const waiter: CommitWaiter = {
        offsets,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.commitWaiters.add(waiter);
      try {
        this.consumer.commit(offsets.map((o) => ({ ...o })));
      } catch (error) {
        this.commitWaiters.delete(waiter);
        waiter.reject(this.fail('commit')(error));
      }
    });
  }

  /**
   * A commit report: confirms what it made durable and settles the waiters it covers. A failed
   * report fails the waiters whose partitions it names (all of them if it names none).
   */
  private onCommitted(
    error: LibrdKafkaError | undefined,
    offsets: ReadonlyArray<{ topic: string; partition: number; offset?: number }>,
  ): void {
    const ok = !error || error.code === NO_OFFSET;
    // A partition the coordinator refused carries its own error: not confirmed.
    const durable = offsets.filter((o) => !(o as { error?: unknown }).error);
    if (ok) this.confirm(durable);
    const reported = new Map((ok ? durable : offsets).map((o) => [keyOf(o), o.offset ?? -1]));
    for (const w of this.commitWaiters) {
      if (ok) {
        if (!w.offsets.every((o) => (reported.get(keyOf(o)) ?? -1) >= o.offset)) continue;
        this.commitWaiters.delete(w);
        w.resolve();
      } else if (reported.size === 0 || w.offsets.some((o) => reported.has(keyOf(o)))) {
        this.commitWaiters.delete(w);
        w.reject(this.fail('commit')(error));
      }
    }
  }

  /** Drops offsets a commit made durable, unless a newer one was handled meanwhile. */
  private confirm(committed: ReadonlyArray<{ topic: string; partition: number; offset?: number }>): void {
    for (const c of committed) {
      const key = keyOf(c);
      if (this.handled.get(key)?.offset === c.offset) this.handled.delete(key);
    }
  }

  private consumeBatch(size: number): Promise<Message[]> {
    return new Promise((resolve, reject) => {
      this.consumer.consume(size, (error, messages) => (error ? reject(error) : resolve(messages)));
    });
  }

  /**
   * Synchronous, unlike the others: an app calls it from its handler, while the consume loop
   * waits for that handler, and only that loop's polls deliver commit reports.
   */
  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    try {
      this.consumer.commitSync(
        offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: Number(o.offset) })),
      );
    } catch (error) {
      throw this.fail('commit')(error);
    }
  }

  /** Commits everything handled and not yet confirmed, and waits for the confirmation. */
  flush(): Promise<void> {
    return this.commitConfirmed(this.handledOf(this.assignment()));
  }

  committed(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    return new Promise((resolve, reject) => {
      this.consumer.committed([...partitions], 10_000, (error, result) =>
        error
          ? reject(this.fail('committed')(error))
          : resolve(
              result.map((r) => ({
                topic: r.topic,
                partition: r.partition,
                offset: String(r.offset ?? -1001),
              })),
            ),
      );
    });
  }

  seek(target: TopicPartitionOffset): void {
    this.consumer.seek(
      { topic: target.topic, partition: target.partition, offset: Number(target.offset) },
      5000,
      () => undefined,
    );
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
    // The consume loop has stopped, so no commit report would come: a bounded synchronous commit
    // is the last thing this member does.
    try {
      const offsets = this.handledOf(this.assignment());
      if (offsets.length > 0) this.consumer.commitSync(offsets);
    } catch {
      /* best effort: the group may already have moved on */
    }
    for (const w of this.commitWaiters) w.reject(this.fail('commit')(new Error('consumer closed')));
    this.commitWaiters.clear();
    await new Promise<void>((resolve) => this.consumer.disconnect(() => resolve()));
  }
}

const noHeartbeat = (): Promise<void> => Promise.resolve();

const keyOf = (p: TopicPartition) => `${p.topic}\u0000${p.partition}`;

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
