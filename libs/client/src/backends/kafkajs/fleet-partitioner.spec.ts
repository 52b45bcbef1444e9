import type { Message } from 'kafkajs';
import { partitionForKey } from '@kafka-fleet/core';
import { createFleetPartitioner } from './fleet-partitioner';

const meta = (n: number) =>
  Array.from({ length: n }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
    partitionErrorCode: 0,
  }));

describe('fleet partitioner (KafkaJS)', () => {
  it('hashes keys with the shared murmur2 and honours an explicit partition', () => {
    const choose = createFleetPartitioner()();
    expect(
      choose({ topic: 't', partitionMetadata: meta(6), message: { key: 'customer-42', value: 'v' } }),
    ).toBe(partitionForKey('customer-42', 6));
    expect(
      choose({ topic: 't', partitionMetadata: meta(6), message: { key: 'k', value: 'v', partition: 4 } }),
    ).toBe(4);
  });

  it('keeps a keyless record on its first partition when KafkaJS asks again on a retry', () => {
    const chosen = new WeakMap<Message, number>();
    const choose = createFleetPartitioner(chosen)();
    const a: Message = { value: 'a' };
    const b: Message = { value: 'b' };
    const first = [
      choose({ topic: 't', partitionMetadata: meta(3), message: a }),
      choose({ topic: 't', partitionMetadata: meta(3), message: b }),
    ];
    const retry = [
      choose({ topic: 't', partitionMetadata: meta(3), message: a }),
      choose({ topic: 't', partitionMetadata: meta(3), message: b }),
    ];
    expect(first).toEqual([0, 1]);
    expect(retry).toEqual(first);
    expect([chosen.get(a), chosen.get(b)]).toEqual(first);
  });
});
