import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import type { KafkaClusterSpec } from '../../../tools/stack/stack-definition';
import { adminFor } from '../../support/stack-harness';

export interface PhysicalRecord {
  readonly partition: number;
  readonly offset: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

const text = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));

/**
 * Every record a read-committed reader sees on `topic`, read to the end offsets it had when the
 * read began. Reaching the end is judged by each fetched batch's last offset, control records
 * included: a partition written transactionally ends with a commit marker no message stands for.
 */
export async function readPhysicalTopic(
  cluster: KafkaClusterSpec,
  topic: string,
  timeoutMs = 60_000,
): Promise<PhysicalRecord[]> {
  const admin = adminFor(cluster);
  await admin.connect();
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)] as const),
  );
  await admin.disconnect();
  const pending = new Set([...ends].filter(([, end]) => end > 0n).map(([p]) => p));
  const out: PhysicalRecord[] = [];
  if (pending.size === 0) return out;
  const consumer = new Kafka({ brokers: [...cluster.bootstrapServers], logLevel: logLevel.NOTHING }).consumer(
    { groupId: `e2e-reader-${randomUUID()}` },
  );
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const reached = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`reading ${topic} back: partitions ${[...pending].join(',')} not at their end`)),
      timeoutMs,
    );
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const end = ends.get(payload.partition) ?? 0n;
      if (BigInt(payload.lastOffset) + 1n >= end) pending.delete(payload.partition);
      if (pending.size === 0) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      if (BigInt(message.offset) >= (ends.get(partition) ?? 0n)) return;
      out.push({
        partition,
        offset: message.offset,
        value: message.value?.toString() ?? '',
        headers: text(message.headers),
      });
    },
  });
  try {
    await reached;
  } finally {
    await consumer.disconnect();
  }
  return out;
}
