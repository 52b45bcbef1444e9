import type { FleetClient } from '@kafka-fleet/client';
import { ConsumerTally, ProducerLoad, verdict } from './support/traffic';
import { KAFKAJS_APP, RDKAFKA_APP, ShuffleFixture, sum, until } from './support/shuffle-fixture';

const fx = new ShuffleFixture(20);
const loads: ProducerLoad[] = [];
beforeAll(() => fx.setUp());
afterAll(async () => {
  await Promise.all(loads.map((l) => l.stop()));
  await fx.tearDown();
});

describe('topic shuffle under load', () => {
  it('moves a live topic alpha → beta → alpha: every acknowledged record consumed exactly once, per-key order kept', async () => {
    // Three producer instances on both backends, one consumer group of three (KafkaJS) and one
    // of two (node-rdkafka): a mixed-backend application fleet.
    const producers = [
      new ProducerLoad('p1', await fx.fleet(KAFKAJS_APP), fx.topic, 2, 40),
      new ProducerLoad('p2', await fx.fleet(KAFKAJS_APP), fx.topic, 2, 40),
      new ProducerLoad('p3', await fx.fleet(RDKAFKA_APP), fx.topic, 2, 40),
    ];
    const groups = [
      { id: `${fx.topic}.kjs`, app: KAFKAJS_APP, members: 3, tally: new ConsumerTally() },
      { id: `${fx.topic}.rdk`, app: RDKAFKA_APP, members: 2, tally: new ConsumerTally() },
    ] as const;
    const consumers: FleetClient[] = [];
    for (const g of groups) {
      for (let i = 0; i < g.members; i++) {
        const fleet = await fx.fleet(g.app);
        consumers.push(fleet);
        const consumer = fleet.consumer({ groupId: g.id });
        await consumer.subscribe({ topics: [fx.topic] });
        await consumer.run({ eachMessage: g.tally.handler() });
      }
    }
    loads.push(...producers);
    for (const p of producers) p.start();
    await until('traffic flowing', () => groups.every((g) => g.tally.seen.length > 200));

    const there = await fx.startShuffle('beta');
    const doneThere = await fx.waitFor(there.id, 'done');
    await until('traffic on beta', () => groups.every((g) => g.tally.seen.some((s) => s.cluster === 'beta')));
    const back = await fx.startShuffle('alpha');
    const doneBack = await fx.waitFor(back.id, 'done');
    await new Promise((r) => setTimeout(r, 1000));
    for (const p of producers) await p.stop();

    const total = producers.reduce((n, p) => n + p.acked.size, 0);
    for (const g of groups)
      await until(
        `group ${g.id} consumed everything`,
        () => verdict(producers, g.tally).lost === 0,
        60_000,
      ).catch(
        () => undefined, // the assertion below reports what is missing
      );

    for (const g of groups) {
      const v = verdict(producers, g.tally);
      expect({ group: g.id, ...v }).toEqual({
        group: g.id,
        produced: total,
        consumed: total,
        lost: 0,
        duplicated: 0,
        orderViolations: 0,
      });
      // Both clusters were really used, in both directions.
      expect(new Set(g.tally.seen.map((s) => s.cluster))).toEqual(new Set(['alpha', 'beta']));
    }
    expect(producers.every((p) => p.failures.length === 0)).toBe(true);

    // The source received nothing after its fence: its end offsets are exactly the fence.
    expect(doneThere).toMatchObject({ source: { clusterId: 'alpha' }, target: { clusterId: 'beta' } });
    expect(doneThere.sweep?.records).toBe(0);
    expect(await fx.endOffsets(0, doneThere.source.physicalTopic)).toEqual(doneThere.fence);
    expect(doneBack.sweep?.records).toBe(0);
    expect(await fx.endOffsets(1, doneBack.source.physicalTopic)).toEqual(doneBack.fence);
    // The way back went to a fresh physical topic: the old one on alpha still holds the first era.
    expect(doneBack.target.physicalTopic).not.toBe(doneThere.source.physicalTopic);
    expect(sum(doneThere.fence ?? {})).toBeGreaterThan(0);
    // Every producer instance acknowledged each epoch before the fence; every group drained.
    expect(doneThere.producersAcknowledged).toHaveLength(3);
    expect(doneThere.groupsDrained).toEqual([...groups.map((g) => g.id)].sort());
    expect(doneBack.groupsDrained).toEqual([...groups.map((g) => g.id)].sort());
    expect(doneThere.history.map((h) => h.phase)).toEqual([
      'prepare',
      'switch-producers',
      'fence',
      'drain-consumers',
      'complete',
      'done',
    ]);
    const stalls = producers.flatMap((p) => p.latenciesMs).sort((a, b) => a - b);
    console.log(
      `shuffle round trip: ${total} records, alpha→beta ${durationMs(doneThere)} ms, beta→alpha ${durationMs(doneBack)} ms, send p99 ${stalls[Math.floor(stalls.length * 0.99)]} ms, max ${stalls[stalls.length - 1]} ms`,
    );
  }, 300_000);
});

function durationMs(m: { history: ReadonlyArray<{ enteredAt: number }> }): number {
  return m.history[m.history.length - 1].enteredAt - m.history[0].enteredAt;
}
