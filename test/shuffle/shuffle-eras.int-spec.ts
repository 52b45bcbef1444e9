import type { AppSnapshot, ErrorBody } from '@kafka-fleet/contracts';
import { adminFor } from '../support/stack-harness';
import { client } from '../config-service/support/config-service-harness';
import { ConsumerTally, recordFor } from './support/traffic';
import { KAFKAJS_APP, ShuffleFixture, expectOk, until } from './support/shuffle-fixture';

interface EraBody {
  epoch: number;
  clusterId: string;
  physicalTopic: string;
  groups: Array<{ group: string; standing: string; unread: string }>;
}

const fx = new ShuffleFixture(29);
beforeAll(() => fx.setUp(3));
afterAll(() => fx.tearDown());

async function topicsOn(index: 0 | 1): Promise<string[]> {
  const admin = adminFor(fx.clusters[index]);
  await admin.connect();
  try {
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

describe('eras a shuffle leaves behind', () => {
  it('lists who still has to read each era, refuses to retire one a group has not passed, and deletes its topic when retired', async () => {
    const fleet = await fx.fleet(KAFKAJS_APP);
    const producer = fleet.producer();
    const send = (from: number, n: number) =>
      producer.send({
        topic: fx.topic,
        messages: Array.from({ length: n }, (_, i) => recordFor('p', from + i)),
      });
    await send(0, 90);
    const tally = new ConsumerTally();
    const reader = fleet.consumer({ groupId: `${fx.topic}.reader` });
    await reader.subscribe({ topics: [fx.topic] });
    await reader.run({ eachMessage: tally.handler() });
    await until('the reader has everything', () => tally.seen.length === 90);
    await reader.disconnect();

    const first = await fx.waitFor((await fx.startShuffle('beta')).id, 'done');
    await send(90, 30);
    const second = await fx.waitFor((await fx.startShuffle('alpha')).id, 'done');
    const [alphaEra, betaEra] = [first.source, second.source];

    // A group that stopped at the start of alpha's era (offsets committed, never came back).
    const laggard = `${fx.topic}.laggard`;
    const admin = adminFor(fx.clusters[0]);
    await admin.connect();
    await admin.setOffsets({
      groupId: laggard,
      topic: alphaEra.physicalTopic,
      partitions: [0, 1, 2].map((partition) => ({ partition, offset: '0' })),
    });
    await admin.disconnect();

    const sre = fx.sre();
    const listed = await sre<EraBody[]>('GET', `/v1/topics/${fx.topic}/eras`);
    expect(listed.status).toBe(200);
    expect(listed.body.map((e) => [e.epoch, e.clusterId, e.physicalTopic])).toEqual([
      [1, 'alpha', alphaEra.physicalTopic],
      [2, 'beta', betaEra.physicalTopic],
    ]);
    expect(listed.body[0].groups).toEqual([
      { group: laggard, standing: 'behind', unread: '90' },
      { group: `${fx.topic}.reader`, standing: 'passed', unread: '0' },
    ]);

    // Refused while the laggard has not read it; nothing changed.
    const refused = await sre<ErrorBody>('DELETE', `/v1/topics/${fx.topic}/eras/1`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONFLICT');
    expect(refused.body.error.message).toContain(`${laggard} (90)`);
    expect(await topicsOn(0)).toContain(alphaEra.physicalTopic);
    expect((await sre<EraBody[]>('GET', `/v1/topics/${fx.topic}/eras`)).body).toHaveLength(2);

    // Hostile or careless input is a 4xx in our error shape; an app token may not retire.
    expect((await sre('DELETE', `/v1/topics/${fx.topic}/eras/one`)).status).toBe(400);
    expect((await sre('DELETE', `/v1/topics/${fx.topic}/eras/7`)).status).toBe(404);
    const asApp = client(fx.service.url, fx.harness.tokens.app);
    expect((await asApp('DELETE', `/v1/topics/${fx.topic}/eras/2`)).status).toBe(403);

    // An era every group passed retires without force; its topic goes, and snapshots stop naming it.
    const retired = await sre<{ deletedTopic: boolean; groupsBehind: unknown[] }>(
      'DELETE',
      `/v1/topics/${fx.topic}/eras/2`,
    );
    expectOk(retired);
    expect(retired.body).toMatchObject({ deletedTopic: true, groupsBehind: [] });
    await until('beta topic deleted', async () => !(await topicsOn(1)).includes(betaEra.physicalTopic));

    // Forced, the laggard is named as what was dropped.
    const forced = await sre<{ deletedTopic: boolean; groupsBehind: Array<{ group: string }> }>(
      'DELETE',
      `/v1/topics/${fx.topic}/eras/1?force=true`,
    );
    expectOk(forced);
    expect(forced.body.deletedTopic).toBe(true);
    expect(forced.body.groupsBehind.map((g) => g.group)).toEqual([laggard]);
    const snapshot = await sre<AppSnapshot>('GET', `/v1/apps/${KAFKAJS_APP}/snapshot`);
    expect(snapshot.body.topics.find((t) => t.topic === fx.topic)?.eras).toBeUndefined();
    expect((await sre<EraBody[]>('GET', `/v1/topics/${fx.topic}/eras`)).body).toEqual([]);
  }, 180_000);
});
