import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Cluster, PartitionOffsets } from '@kafka-fleet/contracts';
import { UnavailableError, stableEnd } from '@kafka-fleet/core';
import { Kafka, logLevel } from 'kafkajs';

/** Records read back from each partition's end first; widened while none of them is visible. */
const FIRST_WINDOW = 64n;
const WIDEN = 32n;
const READ_TIMEOUT_MS = 60_000;

interface Tail {
  readonly end: bigint;
  /** Where the window being read starts. */
  from: bigint;
  /** The last offset a read-committed fetch handed over as a record, if any yet. */
  last?: bigint;
}

/**
 * Where what a consumer can get from a topic ends. A topic written with transactions ends each
 * transaction with a marker that no consumer receives as a record, and holds the records of
 * aborted ones, which a read-committed consumer skips: a group that handled everything can have
 * committed offsets below the end offsets for good. So the drain's bound is, per partition, the
 * offset after the last record a read-committed reader gets below the end, read back from the
 * tail: a partition's window is done once a fetched batch reached the end, control records
 * included, and is widened while it held no record at all.
 */
@Injectable()
export class StableEndReader {
  async stableEnds(cluster: Cluster, topic: string, ends: PartitionOffsets): Promise<PartitionOffsets> {
    const out: Record<string, string> = {};
    const tails = new Map<number, Tail>();
    for (const [p, end] of Object.entries(ends)) {
      if (BigInt(end) === 0n) out[p] = end;
      else tails.set(Number(p), { end: BigInt(end), from: windowStart(BigInt(end), FIRST_WINDOW) });
    }
    if (tails.size === 0) return out;
    const consumer = new Kafka({
      clientId: 'kafka-fleet-stable-end',
      brokers: [...cluster.bootstrapServers],
      logLevel: logLevel.NOTHING,
    }).consumer({ groupId: `kafka-fleet-stable-end-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const seek = (partition: number, tail: Tail) =>
      consumer.seek({ topic, partition, offset: String(tail.from) });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new UnavailableError(`reading the tail of ${topic} on ${cluster.id} timed out`)),
          READ_TIMEOUT_MS,
        );
        consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
          const tail = tails.get(payload.partition);
          if (!tail || BigInt(payload.lastOffset) + 1n < tail.end) return;
          if (tail.last === undefined && tail.from > 0n) {
            tail.from = windowStart(tail.end, (tail.end - tail.from) * WIDEN);
            return seek(payload.partition, tail);
          }
          out[String(payload.partition)] = stableEnd(String(tail.end), tail.last);
          tails.delete(payload.partition);
          if (tails.size > 0) return;
          clearTimeout(timer);
          resolve();
        });
        void consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const tail = tails.get(batch.partition);
              for (const m of batch.messages) {
                const offset = BigInt(m.offset);
                if (tail && offset < tail.end && offset > (tail.last ?? -1n)) tail.last = offset;
              }
            },
          })
          .catch(reject);
        // Seeks race the first fetch from the beginning: whatever that hands over is below the end too.
        for (const [partition, tail] of tails) seek(partition, tail);
      });
      return out;
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }
}

function windowStart(end: bigint, size: bigint): bigint {
  return end > size ? end - size : 0n;
}
