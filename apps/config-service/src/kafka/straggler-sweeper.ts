import { Injectable } from '@nestjs/common';
import type { Cluster } from '@kafka-fleet/contracts';
import { UnavailableError } from '@kafka-fleet/core';
import { Kafka, logLevel, type KafkaMessage, type Producer } from 'kafkajs';

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
  /** Called after each copied batch was acknowledged, with the next offset to copy. */
  readonly onCopied: (partition: number, nextOffset: string, records: number) => Promise<void>;
  /** Called before each batch is copied; throwing stops the sweep (its lease was lost). */
  readonly beforeCopy?: () => void;
  readonly timeoutMs: number;
}

export const SWEPT_FROM_HEADER = 'kf-swept-from';

/**
 * Copies records a zombie producer wrote to a shuffle's source after the fence onto the target,
 * partition for partition (same key, value, headers and timestamp, plus a header saying where each
 * came from), so that nothing written to the old place is silently dropped.
 */
@Injectable()
export class StragglerSweeper {
  async sweep(job: SweepJob): Promise<number> {
    const pending = new Map(job.ranges.map((r) => [r.partition, BigInt(r.to)]));
    if (pending.size === 0) return 0;
    const kafka = (c: Cluster) =>
      new Kafka({
        clientId: 'kafka-fleet-sweeper',
        brokers: [...c.bootstrapServers],
        logLevel: logLevel.NOTHING,
      });
    const producer = kafka(job.target.cluster).producer({ idempotent: true, maxInFlightRequests: 1 });
    // A group of its own: it never disturbs application groups, and its offsets are never used.
    const consumer = kafka(job.source.cluster).consumer({ groupId: `kafka-fleet-sweep-${job.migrationId}` });
    let copied = 0;
    try {
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topic: job.source.topic, fromBeginning: true });
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new UnavailableError(`straggler sweep of ${job.source.topic} timed out`)),
          job.timeoutMs,
        );
        void consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const end = pending.get(batch.partition);
              if (end === undefined) return;
              const range = job.ranges.find((r) => r.partition === batch.partition) as StragglerRange;
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
                await this.copy(producer, job, batch.partition, wanted);
                copied += wanted.length;
                const next = String(BigInt(wanted[wanted.length - 1].offset) + 1n);
                await job.onCopied(batch.partition, next, wanted.length);
                if (BigInt(next) >= end) pending.delete(batch.partition);
              }
              if (pending.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
        for (const r of job.ranges)
          consumer.seek({ topic: job.source.topic, partition: r.partition, offset: r.from });
      });
      await done;
      return copied;
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
    }
  }

  private async copy(
    producer: Producer,
    job: SweepJob,
    partition: number,
    messages: KafkaMessage[],
  ): Promise<void> {
    await producer.send({
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
  }
}
