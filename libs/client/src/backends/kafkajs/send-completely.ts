import { KafkaFleetError } from '@kafka-fleet/core';
import type { Message, ProducerRecord, RecordMetadata } from 'kafkajs';

/**
 * Works around a KafkaJS 2.2.4 defect that silently loses acknowledged-looking records
 * (tulios/kafkajs#1303, reproduced by test/foundation/broker-failure.int-spec.ts): `send()` keeps
 * per-broker responses across retries, so when a partition leader dies and its partitions move to
 * a broker that already answered for *other* partitions, the retry never re-sends them and
 * `send()` resolves anyway. The result then lacks those partitions, which is how we detect it.
 *
 * We re-send exactly the messages whose partition is missing from the result, pinned to the same
 * partition so per-key order and placement hold. Bounded: after `maxRounds` it throws.
 */
export async function sendCompletely(
  send: (record: ProducerRecord) => Promise<RecordMetadata[]>,
  record: ProducerRecord,
  chosen: WeakMap<Message, number>,
  maxRounds = 5,
): Promise<{ metadata: RecordMetadata[]; resent: number }> {
  const metadata: RecordMetadata[] = [];
  let pending = record.messages;
  let resent = 0;
  for (let round = 1; round <= maxRounds; round++) {
    const result = await send({ ...record, messages: pending });
    metadata.push(...result);
    const acknowledged = new Set(result.filter((r) => r.topicName === record.topic).map((r) => r.partition));
    const missing = pending.filter((m) => !acknowledged.has(partitionOf(m, chosen)));
    if (missing.length === 0) return { metadata, resent };
    resent += missing.length;
    // Pin the partition: a keyless record must not be re-spread elsewhere on the re-send.
    pending = missing.map((m) => {
      const pinned = { ...m, partition: partitionOf(m, chosen) };
      chosen.set(pinned, pinned.partition);
      return pinned;
    });
  }
  throw new KafkaFleetError(
    'BACKEND_ERROR',
    `KafkaJS did not acknowledge ${pending.length} record(s) after ${maxRounds} sends`,
    {
      retriable: true,
      context: { topic: record.topic, backend: 'kafkajs' },
    },
  );
}

function partitionOf(message: Message, chosen: WeakMap<Message, number>): number {
  const partition = chosen.get(message) ?? message.partition;
  if (partition === undefined)
    throw new KafkaFleetError('INTERNAL', 'message was not routed by the fleet partitioner');
  return partition;
}
