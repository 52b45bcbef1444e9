import { KafkaFleetError, partitionForKey } from '@kafka-fleet/core';
import { topicName } from '../config-service/fixtures';
import { readPhysicalTopic } from '../shuffle/support/physical-reader';
import { FleetFixture } from './fleet-fixture';

/** A key the fleet partitioner sends to `partition` of a topic with `count` partitions. */
function keyFor(partition: number, count: number): string {
  for (let i = 0; ; i++) if (partitionForKey(`k${i}`, count) === partition) return `k${i}`;
}

/**
 * One request carrying records for two partitions, one of which the broker refuses for good
 * (too large for the topic): the request fails, though the other partition's record was written.
 * KafkaJS 2.2.4 then rolls back the idempotent sequence numbers of every partition in the request,
 * so the next send to the written partition reuses a sequence the broker already holds: it is
 * "acknowledged" as a duplicate and never written. Through our client, every send that resolves
 * must be in Kafka, once, whatever failed before it.
 */
describe.each([
  ['kafkajs', 47],
  ['rdkafka', 48],
] as const)('acknowledged means written after a partly refused send (%s)', (backend, db) => {
  const fx = new FleetFixture(db, backend);
  const small = topicName('small-records');
  beforeAll(async () => {
    await fx.setUp();
    await fx.onboard(small, { partitions: 2, clusterId: 'beta', configs: { 'max.message.bytes': '2048' } });
  });
  afterAll(() => fx.tearDown());

  it('writes every record of every send that resolved, exactly once', async () => {
    const producer = (await fx.fleet()).producer();
    const [p0, p1] = [keyFor(0, 2), keyFor(1, 2)];
    await expect(
      producer.send({
        topic: small,
        messages: [
          { key: p0, value: 'unacknowledged-small' },
          { key: p1, value: 'x'.repeat(4096) },
        ],
      }),
    ).rejects.toBeInstanceOf(KafkaFleetError);
    const acknowledged: string[] = [];
    for (const values of [['one'], ['two', 'three'], ['four'], ['five', 'six', 'seven']]) {
      await producer.send({ topic: small, messages: values.map((value) => ({ key: p0, value })) });
      acknowledged.push(...values);
    }

    const written = (await readPhysicalTopic(fx.clusters[1], small)).map((r) => r.value);
    const count = (v: string) => written.filter((w) => w === v).length;
    expect(Object.fromEntries(acknowledged.map((v) => [v, count(v)]))).toEqual(
      Object.fromEntries(acknowledged.map((v) => [v, 1])),
    );
    // Per key in order: p0's acknowledged records appear as they were sent.
    expect(written.filter((w) => acknowledged.includes(w))).toEqual(acknowledged);
  }, 120_000);
});
