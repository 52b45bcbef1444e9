import type { Message, ProducerRecord, RecordMetadata } from 'kafkajs';
import { KafkaFleetError } from '@kafka-fleet/core';
import { createFleetPartitioner } from './fleet-partitioner';
import { sendCompletely } from './send-completely';

const partitionMetadata = [0, 1, 2].map((partitionId) => ({
  partitionId,
  leader: 1,
  replicas: [1],
  isr: [1],
  partitionErrorCode: 0,
}));

/** A fake KafkaJS send that routes like KafkaJS does and "forgets" partitions as told. */
function fakeSend(chosen: WeakMap<Message, number>, forget: number[][]) {
  const partitioner = createFleetPartitioner(chosen)();
  const calls: Array<Array<{ value: string; partition: number }>> = [];
  const send = async (record: ProducerRecord): Promise<RecordMetadata[]> => {
    const routed = record.messages.map((message) => ({
      value: String(message.value),
      partition: partitioner({ topic: record.topic, partitionMetadata, message }),
    }));
    calls.push(routed);
    const dropped = forget[calls.length - 1] ?? [];
    const partitions = [...new Set(routed.map((r) => r.partition))].filter((p) => !dropped.includes(p));
    return partitions.map((partition) => ({ topicName: record.topic, partition, errorCode: 0 }));
  };
  return { send, calls };
}

const messages = (n: number): Message[] =>
  Array.from({ length: n }, (_, i) => ({ key: `k-${i}`, value: `v-${i}` }));

describe('sendCompletely', () => {
  it('returns after one send when every partition is acknowledged', async () => {
    const chosen = new WeakMap<Message, number>();
    const { send, calls } = fakeSend(chosen, []);
    const result = await sendCompletely(send, { topic: 't', messages: messages(30) }, chosen);
    expect(calls).toHaveLength(1);
    expect(result.resent).toBe(0);
  });

  it('re-sends only the messages of a partition missing from the result, pinned to it', async () => {
    const chosen = new WeakMap<Message, number>();
    const { send, calls } = fakeSend(chosen, [[0]]);
    const input = messages(30);
    const result = await sendCompletely(send, { topic: 't', messages: input }, chosen);
    const firstRoundP0 = calls[0].filter((c) => c.partition === 0);
    expect(firstRoundP0.length).toBeGreaterThan(0);
    expect(calls[1]).toEqual(firstRoundP0);
    expect(result.resent).toBe(firstRoundP0.length);
  });

  it('keeps keyless records on their first partition when re-sent', async () => {
    const chosen = new WeakMap<Message, number>();
    const { send, calls } = fakeSend(chosen, [[1]]);
    const keyless: Message[] = Array.from({ length: 9 }, (_, i) => ({ value: `v-${i}` }));
    await sendCompletely(send, { topic: 't', messages: keyless }, chosen);
    expect(calls[1].every((c) => c.partition === 1)).toBe(true);
    expect(calls[1].map((c) => c.value)).toEqual(
      calls[0].filter((c) => c.partition === 1).map((c) => c.value),
    );
  });

  it('gives up with a retriable KafkaFleetError after the bounded number of rounds', async () => {
    const chosen = new WeakMap<Message, number>();
    const { send } = fakeSend(chosen, [[2], [2], [2]]);
    const attempt = sendCompletely(send, { topic: 't', messages: messages(30) }, chosen, 3);
    await expect(attempt).rejects.toBeInstanceOf(KafkaFleetError);
    await expect(attempt).rejects.toMatchObject({ code: 'BACKEND_ERROR', retriable: true });
  });
});
