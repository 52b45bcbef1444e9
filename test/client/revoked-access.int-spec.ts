import type { KafkaFleetError } from '@kafka-fleet/core';
import { readPhysicalTopic } from '../shuffle/support/physical-reader';
import {
  expectOk,
  KAFKAJS_APP,
  RDKAFKA_APP,
  ShuffleFixture,
  sum,
  until,
} from '../shuffle/support/shuffle-fixture';

interface InstanceRow {
  readonly instanceId: string;
  readonly producerEpochs: Record<string, number>;
  readonly consumerGroups: Record<string, string[]>;
}

/**
 * An SRE revokes an app's produce access to a topic while the app is sending. The producer lane
 * must close: every later send fails with a typed, non-retriable error, the heartbeat stops
 * reporting an epoch for the topic (a shuffle would otherwise wait for this producer to switch for
 * ever), and the app's consumer group, which may still read, keeps reading and drains the shuffle.
 * Once reading is revoked too, the group is no longer reported for the topic.
 */
describe.each([
  [KAFKAJS_APP, 57],
  [RDKAFKA_APP, 58],
] as const)('revoked produce access (%s)', (app, db) => {
  const fx = new ShuffleFixture(db);
  beforeAll(() => fx.setUp(3));
  afterAll(() => fx.tearDown());

  it('closes the producer lane with a typed error, and a shuffle of the topic completes', async () => {
    const fleet = await fx.fleet(app);
    const producer = fleet.producer();
    const handled = new Set<string>();
    const consumer = fleet.consumer({ groupId: `${fx.topic}.${app}`, fromBeginning: true });
    await consumer.subscribe({ topics: [fx.topic] });
    await consumer.run({ eachMessage: async ({ message }) => void handled.add(String(message.value)) });

    let acked = 0;
    const sendOne = () =>
      producer.send({ topic: fx.topic, messages: [{ key: `k${acked}`, value: `v${acked}` }] }).then(() => {
        acked += 1;
      });
    for (let i = 0; i < 20; i++) await sendOne();
    const instance = async () => {
      await fleet.reportNow();
      const rows = (await fx.sre()<InstanceRow[]>('GET', `/v1/instances?app=${app}`)).body;
      const row = rows.find((r) => r.instanceId === fleet.options.instanceId);
      if (!row) throw new Error('the instance is not registered');
      return row;
    };
    expect((await instance()).producerEpochs[fx.topic]).toBe(1);

    const grant = async (topics: Record<string, { produce: boolean; consume: boolean }>) => {
      const current = (await fx.sre()<Record<string, unknown>>('GET', `/v1/apps/${app}`)).body;
      const { createdAt: _c, updatedAt: _u, ...rest } = current;
      expectOk(await fx.sre()('PUT', `/v1/apps/${app}`, { ...rest, topics }));
    };
    await grant({ [fx.topic]: { produce: false, consume: true } });

    // Sends go on until the change reaches the client (watch stream); the first refused one ends it.
    let refusal: KafkaFleetError | undefined;
    await until(
      'a send refused after the revocation',
      async () => {
        await sendOne().catch((error: KafkaFleetError) => {
          refusal = error;
        });
        return refusal !== undefined;
      },
      15_000,
    );
    expect(refusal).toMatchObject({ code: 'FORBIDDEN', retriable: false });
    expect(refusal?.message).toContain(fx.topic);
    // Refused for good, not just once.
    await expect(sendOne()).rejects.toMatchObject({ code: 'FORBIDDEN' });

    await until(
      'the heartbeat without a producer epoch for the topic',
      async () => !Object.hasOwn((await instance()).producerEpochs, fx.topic),
      15_000,
    );
    expect((await instance()).consumerGroups[fx.topic]).toEqual([`${fx.topic}.${app}`]);

    // Nothing reached the partitions after the refusal: what is there is exactly what was acked.
    const physical = (
      await fx.sre()<{ placement: { physicalTopic: string } }>('GET', `/v1/topics/${fx.topic}`)
    ).body.placement.physicalTopic;
    expect(sum(await fx.endOffsets(0, physical))).toBe(acked);

    const shuffle = await fx.startShuffle('beta');
    await fx.waitFor(shuffle.id, 'done', { timeoutMs: 60_000 });
    const written = await readPhysicalTopic(fx.clusters[0], physical);
    await until('every acknowledged record handled', () => written.every((r) => handled.has(r.value)));
    expect(handled.size).toBe(acked);

    // Reading revoked too: the group is no longer counted for the topic (the service scopes each
    // heartbeat to the app's profile), and a second shuffle has no group to wait for.
    await grant({});
    await until(
      'the heartbeat without the group for the topic',
      async () => !Object.hasOwn((await instance()).consumerGroups, fx.topic),
      15_000,
    );
    const back = await fx.startShuffle('alpha');
    await fx.waitFor(back.id, 'done', { timeoutMs: 60_000 });
  }, 180_000);
});
