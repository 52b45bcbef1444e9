import type { InstanceView } from '@kafka-fleet/contracts';
import { ConsumerTally, ProducerLoad, expectEveryRecordOnce } from './support/traffic';
import { KAFKAJS_APP, RDKAFKA_APP, ShuffleFixture, expectOk, until } from './support/shuffle-fixture';

const PARTITIONS = 6;

/**
 * Records a group that started at `latest` is owed: per producer, those acknowledged after its
 * first record on every partition it writes to was read (each partition had a position by then).
 */
function owedSinceFirstSight(loads: readonly ProducerLoad[], tally: ConsumerTally) {
  return loads.map((l) => {
    const first = new Map<number, number>();
    for (const s of tally.seen)
      if (s.producer === l.name && !first.has(s.partition)) first.set(s.partition, s.seq);
    const from = Math.max(...first.values());
    return { name: l.name, acked: new Set([...l.acked].filter((seq) => seq > from)) };
  });
}

interface Group {
  readonly id: string;
  readonly tally: ConsumerTally;
}

/** One member of `group` in a client of its own (so it can go away with its client). */
async function startGroup(fx: ShuffleFixture, app: string, group: Group, fromBeginning = true) {
  const fleet = await fx.fleet(app as typeof KAFKAJS_APP);
  const consumer = fleet.consumer({ groupId: group.id, fromBeginning });
  await consumer.subscribe({ topics: [fx.topic] });
  await consumer.run({ eachMessage: group.tally.handler() });
  return { fleet, consumer };
}

/** A shuffle fixture on its own Redis DB, set up before the describe's tests; loads stop after. */
function fixtureWithLoads(db: number): { fx: ShuffleFixture; loads: ProducerLoad[] } {
  const fx = new ShuffleFixture(db);
  const loads: ProducerLoad[] = [];
  beforeAll(() => fx.setUp(PARTITIONS));
  afterAll(async () => {
    await Promise.all(loads.map((l) => l.stop()));
    await fx.tearDown();
  });
  return { fx, loads };
}

describe.each([
  ['KafkaJS', KAFKAJS_APP, 27],
  ['node-rdkafka', RDKAFKA_APP, 28],
] as const)('consumer groups away during shuffles (%s consumers)', (_name, app, db) => {
  const { fx, loads } = fixtureWithLoads(db);

  it('a group offline across A → B → A reads every era it missed when it is back; a drained group at latest starts at the floor', async () => {
    const away: Group = { id: `${fx.topic}.away`, tally: new ConsumerTally() };
    const latest = { id: `${fx.topic}.latest`, tally: new ConsumerTally() };
    const start = (group: Group, fromBeginning: boolean) => startGroup(fx, app, group, fromBeginning);
    const { fleet: awayFleet } = await start(away, true);
    await start(latest, false);
    loads.push(
      new ProducerLoad('p1', await fx.fleet(KAFKAJS_APP), fx.topic, 2, 40),
      new ProducerLoad('p2', await fx.fleet(RDKAFKA_APP), fx.topic, 2, 40),
    );
    for (const l of loads) l.start();
    await until(
      'both groups reading every partition',
      () => away.tally.seen.length > 150 && latest.tally.seen.length > 150,
    ).catch((error: Error) => {
      const acked = loads.map((l) => `${l.name} ${l.acked.size}`).join(', ');
      throw new Error(
        `${error.message}: handled ${away.tally.seen.length} (away), ${latest.tally.seen.length} (latest); acked ${acked}`,
      );
    });

    // The group goes away (scaled to zero): its committed offsets stay on alpha, nobody heartbeats for it.
    await awayFleet.disconnect();
    const handledBeforeLeaving = away.tally.seen.length;
    // Long enough gone that the service no longer has a live instance naming the group: only
    // Kafka still knows it.
    await until('the group forgotten by the service', async () => {
      const res = await fx.sre()<InstanceView[]>('GET', '/v1/instances');
      return !res.body.some((i) => Object.values(i.consumerGroups ?? {}).some((g) => g.includes(away.id)));
    });

    const there = await fx.startShuffle('beta');
    const doneThere = await fx.waitFor(there.id, 'done', { timeoutMs: 60_000 });
    await until('records on beta', () => loads.every((l) => l.ackedOn('beta') > 50));
    const back = await fx.startShuffle('alpha');
    const doneBack = await fx.waitFor(back.id, 'done', { timeoutMs: 60_000 });
    await until('records back on alpha', () => loads.every((l) => l.ackedOn('alpha') > 300));
    for (const l of loads) await l.stop();

    // Kafka, not heartbeats, named the group; the shuffle did not wait for it.
    expect(doneThere.groups).toContain(away.id);
    expect(doneThere.groupsOffline).toEqual([away.id]);
    expect(doneThere.groupsDrained).toContain(latest.id);

    // Back, it reads alpha's first era up to its fence, then beta's, then alpha again.
    await start(away, true);
    await expectEveryRecordOnce(loads, away.tally, away.id);
    await expectEveryRecordOnce(owedSinceFirstSight(loads, latest.tally), latest.tally, latest.id);
    const eraOrder = away.tally.seen.slice(handledBeforeLeaving).map((s) => s.cluster);
    const firstBeta = eraOrder.indexOf('beta');
    expect(firstBeta).toBeGreaterThan(0);
    expect(eraOrder.slice(firstBeta).indexOf('alpha')).toBeGreaterThan(0);
    expect(doneBack.sweep?.records).toBe(0);
    expect(loads.every((l) => l.failures.length === 0)).toBe(true);
  }, 300_000);
});

describe.each([
  ['KafkaJS', KAFKAJS_APP, 31],
  ['node-rdkafka', RDKAFKA_APP, 32],
] as const)('a consumer group going offline mid-drain (%s consumers)', (_name, app, db) => {
  const { fx, loads } = fixtureWithLoads(db);

  it('lets the shuffle complete without it, and it reads the rest of the source when it is back', async () => {
    const group: Group = { id: `${fx.topic}.midway`, tally: new ConsumerTally() };
    const member = await startGroup(fx, app, group);
    loads.push(new ProducerLoad('p1', await fx.fleet(KAFKAJS_APP), fx.topic, 2, 40));
    for (const l of loads) l.start();
    await until('the group reading', () => group.tally.seen.length > 100);

    // Paused by an operator, it stops short of the fence, so the drain has to wait for it.
    expectOk(await fx.sre()('POST', `/v1/groups/${group.id}/pause`, {}));
    await until('the group paused', () => member.consumer.groupReports()[group.id]?.state === 'paused');
    const started = await fx.startShuffle('beta');
    const draining = await fx.waitFor(started.id, 'drain-consumers');
    expect(draining.groups).toEqual([group.id]);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await fx.migration(started.id)).phase).toBe('drain-consumers'); // waiting for it

    // Then its members go away mid-drain: nobody reads for it, so the shuffle completes without it.
    await member.fleet.disconnect();
    const done = await fx.waitFor(started.id, 'done', { timeoutMs: 60_000 });
    expect(done.groupsOffline).toEqual([group.id]);
    await until('records on beta', () => loads[0].ackedOn('beta') > 100);
    for (const l of loads) await l.stop();

    expectOk(await fx.sre()('POST', `/v1/groups/${group.id}/resume`, {}));
    await startGroup(fx, app, group);
    await expectEveryRecordOnce(loads, group.tally, group.id);
    expect(group.tally.seen.filter((s) => s.cluster === 'alpha').length).toBeGreaterThan(100);
  }, 300_000);
});
