import { partitionForKey } from '@kafka-fleet/core';
import { allClusters, createTopic, uniqueTopic } from '../support/stack-harness';
import type { ConsumedRecord, KeyedMessage, RawBackend } from '../../tools/raw-backends/raw-backend';
import { rawKafkaJs } from '../../tools/raw-backends/raw-kafkajs';

const kafkajs = rawKafkaJs({ completeSends: false });
import { rawRdkafka } from '../../tools/raw-backends/raw-rdkafka';

const PARTITIONS = 6;
const KEYS = 40;
const PER_KEY = 3;

function keyedBatch(): KeyedMessage[] {
  const out: KeyedMessage[] = [];
  for (let seq = 0; seq < PER_KEY; seq++) {
    for (let k = 0; k < KEYS; k++) out.push({ key: `customer-${k}`, value: `customer-${k}:${seq}` });
  }
  return out;
}

function partitionByKey(records: readonly ConsumedRecord[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const r of records) {
    const seen = map.get(r.key);
    if (seen !== undefined && seen !== r.partition) throw new Error(`key ${r.key} landed in two partitions`);
    map.set(r.key, r.partition);
  }
  return map;
}

/** Every message exactly once, and per key in the order sent (offset order within the partition). */
function expectCompleteAndOrdered(sent: readonly KeyedMessage[], got: readonly ConsumedRecord[]): void {
  expect(got.map((r) => r.value).sort()).toEqual(sent.map((m) => m.value).sort());
  const byKey = new Map<string, ConsumedRecord[]>();
  for (const r of got) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  for (const [key, records] of byKey) {
    const seqs = [...records].sort((a, b) => a.offset - b.offset).map((r) => Number(r.value.split(':')[1]));
    expect({ key, seqs }).toEqual({ key, seqs: Array.from({ length: PER_KEY }, (_, i) => i) });
  }
}

const pairs: Array<[RawBackend, RawBackend]> = [
  [kafkajs, rawRdkafka],
  [rawRdkafka, kafkajs],
];

describe.each(allClusters().map((c) => [c.name, c] as const))(
  'raw backends on cluster %s',
  (_name, cluster) => {
    const placements = new Map<string, Map<string, number>>();

    it.each(pairs.map(([p, c]) => [p.name, c.name, p, c] as const))(
      'produces a keyed batch with %s and consumes it with %s',
      async (_p, _c, producer, consumer) => {
        const topic = uniqueTopic(producer.name);
        await createTopic(cluster, topic, PARTITIONS);
        const sent = keyedBatch();
        await producer.produce(cluster, topic, sent);
        const got = await consumer.consume(cluster, topic, sent.length);
        expectCompleteAndOrdered(sent, got);
        placements.set(producer.name, partitionByKey(got));
      },
    );

    it('puts every key in the same partition under both backends, equal to Java murmur2', () => {
      const kafkajs = placements.get('kafkajs');
      const rdkafka = placements.get('rdkafka');
      expect(kafkajs?.size).toBe(KEYS);
      expect(rdkafka).toEqual(kafkajs);
      for (const [key, partition] of kafkajs ?? [])
        expect({ key, partition }).toEqual({ key, partition: partitionForKey(key, PARTITIONS) });
    });

    it("disagrees with Java under librdkafka's default partitioner (why we pin murmur2_random)", async () => {
      const topic = uniqueTopic('crc32');
      await createTopic(cluster, topic, PARTITIONS);
      const sent = keyedBatch().slice(0, KEYS);
      await rawRdkafka.produce(cluster, topic, sent, { rdkafkaPartitioner: 'consistent_random' });
      const placed = partitionByKey(await rawRdkafka.consume(cluster, topic, sent.length));
      const mismatches = [...placed].filter(
        ([key, partition]) => partition !== partitionForKey(key, PARTITIONS),
      );
      expect(mismatches.length).toBeGreaterThan(0);
    });
  },
);
