import type { GroupControl, GroupSummary, GroupView } from '@kafka-fleet/contracts';
import { client } from '../config-service/support/config-service-harness';
import { KAFKAJS_APP, RDKAFKA_APP, ShuffleFixture, until } from '../shuffle/support/shuffle-fixture';
import { ConsumerTally, ProducerLoad, verdict } from '../shuffle/support/traffic';
import { partitionsOf, reportOf, startMember, type Member } from './support/group-members';

const fx = new ShuffleFixture(41);
const loads: ProducerLoad[] = [];
beforeAll(() => fx.setUp(6));
afterAll(async () => {
  await Promise.all(loads.map((l) => l.stop()));
  await fx.tearDown();
});

/** How long after the pause request a member may still finish the batch it had in hand. */
const STOP_BOUND_MS = 5000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('pausing and resuming a consumer group through the service', () => {
  it('stops every member within a bound while producers continue, keeps a late joiner paused, resumes exactly once, and shows members, assignment and lag', async () => {
    type App = typeof RDKAFKA_APP | typeof KAFKAJS_APP;
    const groups = [
      { id: `${fx.topic}.rdk`, app: RDKAFKA_APP as App, tally: new ConsumerTally(), members: [] as Member[] },
      { id: `${fx.topic}.kjs`, app: KAFKAJS_APP as App, tally: new ConsumerTally(), members: [] as Member[] },
    ];
    for (const g of groups)
      for (const n of [0, 1]) g.members.push(await startMember(fx, g.app, g.id, `${g.id}-${n}`, g.tally));
    const producer = new ProducerLoad('p-pause', await fx.fleet(KAFKAJS_APP), fx.topic, 2, 20);
    loads.push(producer);
    producer.start();
    await until('both groups consuming', () => groups.every((g) => g.tally.seen.length > 50), 90_000);

    const sre = fx.sre();
    const pausedAt = Date.now();
    for (const g of groups) {
      const res = await sre<GroupControl>('POST', `/v1/groups/${g.id}/pause`, {});
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: g.id, paused: true, updatedBy: 'sre' });
    }
    await until(
      'every member reports paused',
      () => groups.every((g) => g.members.every((m) => reportOf(m, g.id).state === 'paused')),
      STOP_BOUND_MS,
    );
    const reportedPausedMs = Date.now() - pausedAt;
    await sleep(Math.max(0, STOP_BOUND_MS - (Date.now() - pausedAt)));
    const handledAtBound = groups.map((g) => g.tally.seen.length);
    const producedAtBound = producer.acked.size;

    // A member joining while the group is paused (a restarted pod) is paused from its first partition.
    const rdk = groups[0];
    rdk.members.push(await startMember(fx, rdk.app, rdk.id, `${rdk.id}-2`, rdk.tally));
    await until(
      'the late joiner owns partitions',
      () => partitionsOf(rdk.members[2], rdk.id).length > 0,
      60_000,
    );
    await sleep(3000);
    expect(groups.map((g) => g.tally.seen.length)).toEqual(handledAtBound);
    expect(producer.acked.size).toBeGreaterThan(producedAtBound + 50);
    console.log(
      `pause: members reported paused ${reportedPausedMs} ms after the request; ` +
        `${producer.acked.size - producedAtBound} records produced while nothing was handled`,
    );

    // SREs see the paused group, its members and where it is behind.
    await Promise.all(rdk.members.map((m) => m.fleet.reportNow()));
    const view = await sre<GroupView>('GET', `/v1/groups/${rdk.id}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ id: rdk.id, paused: true });
    expect(view.body.members.map((m) => [m.instanceId, m.report.state]).sort()).toEqual(
      rdk.members.map((m) => [m.instanceId, 'paused']).sort(),
    );
    expect(view.body.members.flatMap((m) => m.report.assignment.map((a) => a.partition)).sort()).toEqual([
      0, 1, 2, 3, 4, 5,
    ]);
    expect(view.body.partitions).toHaveLength(6);
    for (const p of view.body.partitions) {
      expect(p).toMatchObject({ topic: fx.topic, clusterId: 'alpha' });
      expect(p.lag).toBe(Number(p.end) - Number(p.committed ?? 0));
      expect(rdk.members.map((m) => m.instanceId)).toContain(p.owner);
    }
    expect(view.body.totalLag).toBeGreaterThan(0);
    const list = await sre<GroupSummary[]>('GET', '/v1/groups');
    expect(list.body.filter((s) => groups.some((g) => g.id === s.id))).toEqual([
      expect.objectContaining({ id: groups[1].id, paused: true, memberCount: 2, states: ['paused'] }),
      expect.objectContaining({ id: rdk.id, paused: true, memberCount: 3, states: ['paused'] }),
    ]);

    for (const g of groups) expect((await sre('POST', `/v1/groups/${g.id}/resume`, {})).status).toBe(200);
    await until(
      'consumption resumed',
      () => groups.every((g, i) => g.tally.seen.length > handledAtBound[i]),
      10_000,
    );
    await sleep(1000);
    await producer.stop();
    for (const g of groups)
      await until(`${g.id} consumed everything`, () => verdict([producer], g.tally).lost === 0, 60_000).catch(
        () => undefined, // the assertion below reports what is missing
      );
    for (const g of groups)
      expect({ group: g.id, ...verdict([producer], g.tally) }).toMatchObject({
        group: g.id,
        lost: 0,
        duplicated: 0,
        orderViolations: 0,
      });
    // Once everything is handled and committed, the service shows no lag left.
    await until(
      'no lag left',
      async () => (await sre<GroupView>('GET', `/v1/groups/${rdk.id}`)).body.totalLag === 0,
      30_000,
    );
  });

  it('refuses bad group ids and unknown groups, and only operators may pause', async () => {
    const sre = fx.sre();
    const bad = await sre<{ error: { code: string } }>(
      'POST',
      // Kafka takes nearly any group id (spaces, ':' and ',' included); a control character it is not.
      `/v1/groups/${encodeURIComponent('bell\u0007group')}/pause`,
      {},
    );
    expect(bad.status).toBe(400);
    expect((await sre('GET', '/v1/groups/never-seen-group')).status).toBe(404);
    const asApp = client(fx.service.url, fx.harness.tokens.app);
    expect((await asApp('POST', `/v1/groups/${fx.topic}.rdk/pause`, {})).status).toBe(403);
    // Pausing twice writes once: the second call answers the stored control unchanged.
    const first = await sre<GroupControl>('POST', `/v1/groups/${fx.topic}.other/pause`, {});
    const second = await sre<GroupControl>('POST', `/v1/groups/${fx.topic}.other/pause`, {});
    expect(second.body.version).toBe(first.body.version);
    const resumed = await sre<GroupControl>('POST', `/v1/groups/${fx.topic}.other/resume`, {});
    expect(resumed.body).toMatchObject({ paused: false, version: first.body.version + 1 });
  });
});
