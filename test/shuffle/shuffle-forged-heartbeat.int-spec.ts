import type { Migration } from '@kafka-fleet/contracts';
import { client } from '../config-service/support/config-service-harness';
import { expectOnceInEras } from './support/physical-check';
import { ProducerLoad, expectEveryRecordOnce } from './support/traffic';
import { KAFKAJS_APP, RDKAFKA_APP, ShuffleFixture, until } from './support/shuffle-fixture';

interface InstanceRow {
  readonly instanceId: string;
  readonly app: string;
  readonly host: string;
  readonly producerEpochs: Record<string, number>;
}

/**
 * A heartbeat is what tells a shuffle that a producer switched. Another app's token forging one
 * for a producer that did not switch (to hurry the shuffle, or to hide that instance) is refused,
 * the victim's instance stays as it reported itself, and the shuffle runs as if nothing happened.
 */
describe('a shuffle while another app forges heartbeats for its producers', () => {
  const fx = new ShuffleFixture(46);
  const loads: ProducerLoad[] = [];
  beforeAll(() => fx.setUp(3));
  afterAll(async () => {
    await Promise.all(loads.map((l) => l.stop()));
    await fx.tearDown();
  });

  it('refuses the forgery, keeps the victim as it reported itself, and loses nothing on either backend', async () => {
    loads.push(
      new ProducerLoad('p1', await fx.fleet(KAFKAJS_APP, { instanceId: 'victim-kafkajs' }), fx.topic, 2, 30),
      new ProducerLoad('p2', await fx.fleet(RDKAFKA_APP, { instanceId: 'victim-rdkafka' }), fx.topic, 2, 30),
    );
    const tallies = await fx.groupOnEachBackend();
    for (const l of loads) l.start();
    await until('traffic flowing', () => tallies.every((t) => t.tally.seen.length > 50), 60_000);

    const started = await fx.startShuffle('beta', ['switch-producers']);
    const held = await fx.waitFor(started.id, 'switch-producers', { held: true });
    // The ledger app's token speaks for payments' producer: it claims the new epoch on its behalf.
    const ledger = client(fx.service.url, fx.harness.tokens.otherApp);
    const forged = await ledger('POST', '/v1/instances/heartbeat', {
      instanceId: 'victim-kafkajs',
      app: KAFKAJS_APP,
      host: 'forged',
      backend: 'kafkajs',
      configVersion: 1,
      appliedEpochs: { [fx.topic]: held.epochTo },
      producerEpochs: { [fx.topic]: held.epochTo },
      consumerGroups: {},
      effectiveConfig: {},
      leaseMs: 60_000,
    });
    expect({
      status: forged.status,
      code: (forged.body as { error?: { code?: string } }).error?.code,
    }).toEqual({
      status: 403,
      code: 'FORBIDDEN',
    });
    const victim = (await fx.sre()<InstanceRow[]>('GET', '/v1/instances')).body.find(
      (i) => i.instanceId === 'victim-kafkajs' && i.app === KAFKAJS_APP,
    );
    expect(victim?.host).not.toBe('forged');

    await fx.resume(started.id);
    const done: Migration = await fx.waitFor(started.id, 'done', { timeoutMs: 60_000 });
    expect(done.producersAcknowledged).toEqual(expect.arrayContaining(['victim-kafkajs', 'victim-rdkafka']));
    await until('records on beta', () => loads.every((l) => l.ackedOn('beta') > 50), 60_000);
    for (const l of loads) await l.stop();
    for (const t of tallies) await expectEveryRecordOnce(loads, t.tally, t.app);
    await expectOnceInEras(fx, loads);
  }, 300_000);
});
