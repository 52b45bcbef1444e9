import type { MigrationPhaseName } from '@kafka-fleet/contracts';
import type { FleetConsumer } from '@kafka-fleet/client';
import { Kafka, logLevel } from 'kafkajs';
import { expectOnceInEras } from './support/physical-check';
import { ProducerChild } from './support/producer-child';
import { ConsumerTally, ProducerLoad, expectEveryRecordOnce, recordFor } from './support/traffic';
import { KAFKAJS_APP, RDKAFKA_APP, ShuffleFixture, until } from './support/shuffle-fixture';

const ACTIVE_PHASES: MigrationPhaseName[] = [
  'prepare',
  'switch-producers',
  'fence',
  'drain-consumers',
  'complete',
];

/** Producers on both backends and one consumer group of three, all in this process. */
async function traffic(fx: ShuffleFixture, group = `${fx.topic}.readers`) {
  const loads = [
    new ProducerLoad('p1', await fx.fleet(KAFKAJS_APP), fx.topic, 2, 40),
    new ProducerLoad('p2', await fx.fleet(RDKAFKA_APP), fx.topic, 2, 40),
  ];
  const tally = new ConsumerTally();
  const consumers: FleetConsumer[] = [];
  for (let i = 0; i < 3; i++) {
    const consumer = (await fx.fleet(KAFKAJS_APP)).consumer({ groupId: group });
    await consumer.subscribe({ topics: [fx.topic] });
    await consumer.run({ eachMessage: tally.handler() });
    consumers.push(consumer);
  }
  for (const l of loads) l.start();
  await until('traffic flowing', () => tally.seen.length > 100, 60_000).catch((error: Error) => {
    // Say which side stalled: producers failing, or a group that never got its partitions.
    const producers = loads.map(
      (l) => `${l.name}: ${l.acked.size} acked, ${l.failures.slice(-3).join(' | ')}`,
    );
    const owned = consumers.map((c) =>
      (c.groupReports()[group]?.assigned ?? []).reduce((n, a) => n + a.partitions.length, 0),
    );
    throw new Error(
      `${error.message}; consumed ${tally.seen.length}, partitions owned ${owned.join('/')}; ${producers.join('; ')}`,
    );
  });
  return { loads, tally };
}

/**
 * Exactly once, in order, and the load really ran (more than 100 records acknowledged): as the
 * group handled them, and as the partitions of every era hold them.
 */
async function expectExactlyOnce(
  fx: ShuffleFixture,
  producers: ReadonlyArray<{ name: string; acked: ReadonlySet<number> }>,
  tally: ConsumerTally,
): Promise<void> {
  expect((await expectEveryRecordOnce(producers, tally)).produced).toBeGreaterThan(100);
  await expectOnceInEras(fx, producers);
}

describe('shuffle with the config service restarted inside every phase', () => {
  const fx = new ShuffleFixture(21);
  const loads: ProducerLoad[] = [];
  beforeAll(() => fx.setUp());
  afterAll(async () => {
    await Promise.all(loads.map((l) => l.stop()));
    await fx.tearDown();
  });

  it('resumes each phase after a restart and still delivers every record exactly once, in order', async () => {
    const { loads: running, tally } = await traffic(fx);
    loads.push(...running);
    const started = await fx.startShuffle('beta', ACTIVE_PHASES);
    for (const phase of ACTIVE_PHASES) {
      const from = Date.now();
      await fx.waitFor(started.id, phase, { held: true });
      const reached = Date.now();
      await fx.restartService();
      // Printed as it happens: a run that hangs shows how far it got.
      process.stdout.write(
        `  ${phase}: reached in ${reached - from} ms, service restarted in ${Date.now() - reached} ms\n`,
      );
      // The restarted service still knows the shuffle, its phase and the hold.
      expect(await fx.migration(started.id)).toMatchObject({ phase, held: true });
      await new Promise((r) => setTimeout(r, 300)); // traffic goes on inside the phase
      await fx.resume(started.id);
    }
    const done = await fx.waitFor(started.id, 'done');
    for (const l of running) await l.stop();
    expect(done.history.map((h) => h.phase)).toEqual([...ACTIVE_PHASES, 'done']);
    expect(done.sweep?.records).toBe(0);
    expect(await fx.endOffsets(0, done.source.physicalTopic)).toEqual(done.fence);
    await expectExactlyOnce(fx, running, tally);
  }, 300_000);
});

describe('shuffle with a producer instance killed mid-shuffle', () => {
  const fx = new ShuffleFixture(22);
  const children: ProducerChild[] = [];
  const loads: ProducerLoad[] = [];
  beforeAll(() => fx.setUp());
  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill()));
    await Promise.all(loads.map((l) => l.stop()));
    await fx.tearDown();
  });

  it('counts the dead instance as gone once its lease expired, and loses none of its acknowledged records', async () => {
    const settings = {
      serviceUrl: fx.service.url,
      appId: KAFKAJS_APP,
      token: fx.harness.tokens.app,
      topic: fx.topic,
      leaseMs: 3000,
    };
    const doomed = new ProducerChild('doomed', { ...settings, instanceId: `doomed-${process.pid}` });
    const survivor = new ProducerChild('survivor', { ...settings, instanceId: `survivor-${process.pid}` });
    children.push(doomed, survivor);
    const { loads: running, tally } = await traffic(fx);
    loads.push(...running);
    await until(
      'child producers acknowledged records',
      () => doomed.acked.size > 20 && survivor.acked.size > 20,
    );

    const started = await fx.startShuffle('beta', ['prepare']);
    await fx.waitFor(started.id, 'prepare', { held: true });
    await doomed.kill(); // dies while still on the old epoch, without a goodbye
    await fx.resume(started.id);
    const done = await fx.waitFor(started.id, 'done');
    for (const l of running) await l.stop();
    await survivor.kill();

    expect(done.producersAcknowledged).toContain(`survivor-${process.pid}`);
    expect(done.producersAcknowledged).not.toContain(`doomed-${process.pid}`);
    await expectExactlyOnce(fx, [...running, doomed, survivor], tally);
  }, 300_000);
});

describe('shuffle with a zombie producer writing to the old cluster after the fence', () => {
  const fx = new ShuffleFixture(23);
  const loads: ProducerLoad[] = [];
  beforeAll(() => fx.setUp());
  afterAll(async () => {
    await Promise.all(loads.map((l) => l.stop()));
    await fx.tearDown();
  });

  it('is refused by the brokers (never acknowledged); the source holds nothing past its fence', async () => {
    const { loads: running, tally } = await traffic(fx);
    loads.push(...running);
    const started = await fx.startShuffle('beta', ['drain-consumers']);
    const fenced = await fx.waitFor(started.id, 'drain-consumers', { held: true });

    // A producer the orchestrator never heard of (not our client) keeps writing to alpha.
    const zombie = new Kafka({
      brokers: [...fx.clusters[0].bootstrapServers],
      logLevel: logLevel.NOTHING,
    }).producer({
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await zombie.connect();
    const refusals: string[] = [];
    for (let seq = 0; seq < 30; seq++) {
      await zombie
        .send({ topic: fenced.source.physicalTopic, acks: -1, messages: [recordFor('zombie', seq)] })
        .then(
          () => refusals.push('acknowledged'),
          (error: { type?: string }) => refusals.push(error.type ?? 'unknown'),
        );
    }
    await zombie.disconnect();
    expect(new Set(refusals)).toEqual(new Set(['MESSAGE_TOO_LARGE']));
    expect(await fx.endOffsets(0, fenced.source.physicalTopic)).toEqual(fenced.fence);

    await fx.resume(started.id);
    const done = await fx.waitFor(started.id, 'done');
    for (const l of running) await l.stop();

    expect(done.sweep?.records).toBe(0);
    await expectExactlyOnce(fx, running, tally);
    expect(tally.seen.filter((s) => s.producer === 'zombie')).toHaveLength(0);
  }, 300_000);
});
