import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Cluster } from '@kafka-fleet/contracts';
import { UnavailableError } from '@kafka-fleet/core';
import { Kafka, logLevel, type KafkaMessage, type Transaction } from 'kafkajs';

export interface StragglerRange {
  readonly partition: number;
  /** First offset to copy (the fence, or where an interrupted sweep got to). */
  readonly from: string;
  /** Offset to stop before (the source's end offset when the sweep started). */
  readonly to: string;
}

export interface SweepJob {
  readonly migrationId: string;
  readonly source: { cluster: Cluster; topic: string };
  readonly target: { cluster: Cluster; topic: string };
  readonly ranges: readonly StragglerRange[];
  /**
   * Called after each copied batch was committed, with the next offset to copy and the batch's
   * record count; `absolute` when `records` is the partition's total so far (progress found
   * committed in Kafka at the start, which the store may not have heard of).
   */
  readonly onCopied: (
    partition: number,
    nextOffset: string,
    records: number,
    how?: { absolute: true },
  ) => Promise<void>;
  /** Called before each batch is copied; throwing stops the sweep (its lease was lost). */
  readonly beforeCopy?: () => void;
  readonly timeoutMs: number;
  /** How much is fetched per partition at a time (KafkaJS's `maxBytesPerPartition`). */
  readonly maxBytesPerPartition?: number;
}

export const SWEPT_FROM_HEADER = 'kf-swept-from';

/**
 * The group under which a sweep's progress is committed on the target cluster, atomically with
 * the records it copied (one Kafka transaction per batch). Its offsets are keyed by the target
 * topic's partitions (the same numbers as the source's) and hold the next source offset to copy;
 * their metadata holds how many records that partition has had copied.
 */
export const sweepProgressGroup = (migrationId: string): string => `kafka-fleet-sweep-${migrationId}`;

/** Where a partition's sweep got to, as committed on the target with the records copied. */
interface Copied {
  readonly next: bigint;
  readonly records: number;
}

/**
 * Copies records a zombie producer wrote to a shuffle's source after the fence onto the target,
 * partition for partition (same key, value, headers and timestamp, plus a header saying where each
 * came from), so that nothing written to the old place is silently dropped.
 *
 * Exactly once even when two replicas sweep one shuffle (one paused past its lease, then resumed):
 * every batch is one Kafka transaction on the target holding the copies and the sweep's progress,
 * under a transactional id per shuffle. A replica that starts sweeping fences every earlier one
 * (InitProducerId bumps the epoch and aborts its open transaction), then resumes from the progress
 * committed in Kafka, which a batch can never be ahead of or behind. Consumers of the target read
 * committed (both backends' default), so an aborted copy is never delivered.
 */
@Injectable()
export class StragglerSweeper {
  async sweep(job: SweepJob): Promise<number> {
    if (job.ranges.length === 0) return 0;
    const kafka = (c: Cluster) =>
      new Kafka({
        clientId: 'kafka-fleet-sweeper',
        brokers: [...c.bootstrapServers],
        logLevel: logLevel.NOTHING,
      });
    const target = kafka(job.target.cluster);
    const producer = target.producer({
      transactionalId: sweepProgressGroup(job.migrationId),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    // A group per attempt: a paused replica's member never holds up this one's assignment, and
    // the source gets no committed offsets from it (progress lives on the target).
    const consumer = kafka(job.source.cluster).consumer({
      groupId: `${sweepProgressGroup(job.migrationId)}-${randomUUID()}`,
      maxBytesPerPartition: job.maxBytesPerPartition,
    });
    let copied = 0;
    let first: Transaction | undefined;
    try {
      await producer.connect();
      // KafkaJS sends InitProducerId for the transactional id on the first transaction: that is
      // what fences every earlier sweeper of this shuffle, so it comes before progress is read.
      first = await producer.transaction();
      const done = await this.copiedSoFar(target, job);
      const ranges = job.ranges
        .map((r) => {
          const at = done.get(r.partition);
          return at && at.next > BigInt(r.from) ? { ...r, from: String(at.next) } : r;
        })
        .filter((r) => BigInt(r.from) < BigInt(r.to));
      // Progress the store missed (a sweeper stopped between its commit and its save) is reported now.
      for (const [partition, at] of done)
        await job.onCopied(partition, String(at.next), at.records, { absolute: true });
      if (ranges.length === 0) return 0;
      const pending = new Map(ranges.map((r) => [r.partition, BigInt(r.to)]));
      const totals = new Map([...done].map(([p, at]) => [p, at.records]));
      await consumer.connect();
      await consumer.subscribe({ topic: job.source.topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new UnavailableError(`straggler sweep of ${job.source.topic} timed out`)),
          job.timeoutMs,
        );
        const settle = () => {
          if (pending.size > 0) return;
          clearTimeout(timer);
          resolve();
        };
        // A range may end in transaction markers or aborted records, which no batch hands over as
        // messages: a partition is done once a fetched batch reached its end, control records included.
        consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
          const end = pending.get(payload.partition);
          if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) pending.delete(payload.partition);
          settle();
        });
        void consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const end = pending.get(batch.partition);
              if (end === undefined) return;
              const range = ranges.find((r) => r.partition === batch.partition) as StragglerRange;
              // Seeks race the first fetch, so the range is enforced here whatever was fetched.
              const wanted = batch.messages.filter(
                (m) => BigInt(m.offset) >= BigInt(range.from) && BigInt(m.offset) < end,
              );
              if (wanted.length > 0) {
                try {
                  job.beforeCopy?.();
                } catch (error) {
                  clearTimeout(timer);
                  return reject(error); // not retried here: the step is over for this replica
                }
                const next = BigInt(wanted[wanted.length - 1].offset) + 1n;
                const records = (totals.get(batch.partition) ?? 0) + wanted.length;
                const transaction = first ?? (await producer.transaction());
                first = undefined;
                await this.copy(transaction, job, batch.partition, wanted, { next, records }).catch(
                  (error: unknown) => {
                    clearTimeout(timer);
                    reject(error); // fenced by a newer sweeper, or the target failed: the step retries
                    throw error;
                  },
                );
                totals.set(batch.partition, records);
                copied += wanted.length;
                await job.onCopied(batch.partition, String(next), wanted.length);
                if (next >= end) pending.delete(batch.partition);
              }
              settle();
            },
          })
          .catch(reject);
        for (const r of ranges)
          consumer.seek({ topic: job.source.topic, partition: r.partition, offset: r.from });
      });
      return copied;
    } finally {
      await first?.abort().catch(() => undefined); // opened to fence, never used: nothing to copy
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
    }
  }

  /** The progress committed with the copies; read after connecting, so no older sweeper's transaction is open. */
  private async copiedSoFar(target: Kafka, job: SweepJob): Promise<Map<number, Copied>> {
    const admin = target.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({
        groupId: sweepProgressGroup(job.migrationId),
        topics: [job.target.topic],
      });
      return new Map(
        (offsets?.partitions ?? [])
          .filter((p) => BigInt(p.offset) >= 0n)
          .map((p) => [p.partition, { next: BigInt(p.offset), records: Number(p.metadata ?? 0) || 0 }]),
      );
    } finally {
      await admin.disconnect();
    }
  }

  /** One batch as one transaction: the copies and the partition's progress commit together or not at all. */
  private async copy(
    transaction: Transaction,
    job: SweepJob,
    partition: number,
    messages: KafkaMessage[],
    progress: Copied,
  ): Promise<void> {
    try {
      await transaction.send({
        topic: job.target.topic,
        acks: -1,
        messages: messages.map((m) => ({
          partition,
          key: m.key,
          value: m.value,
          timestamp: m.timestamp,
          headers: {
            ...m.headers,
            [SWEPT_FROM_HEADER]: `${job.source.cluster.id}/${job.source.topic}/${partition}/${m.offset}`,
          },
        })),
      });
      await transaction.sendOffsets({
        consumerGroupId: sweepProgressGroup(job.migrationId),
        topics: [
          {
            topic: job.target.topic,
            partitions: [
              { partition, offset: String(progress.next), metadata: String(progress.records) } as {
                partition: number;
                offset: string;
              },
            ],
          },
        ],
      });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }
}
