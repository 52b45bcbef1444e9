import { KAFKAJS_APP, RDKAFKA_APP, ShuffleFixture, until } from '../shuffle/support/shuffle-fixture';
import { ConsumerTally, ProducerLoad, verdict } from '../shuffle/support/traffic';
import { partitionsOf, rebalanceMetric, reportOf, startMember, type Member } from './support/group-members';

const fx = new ShuffleFixture(40);
const loads: ProducerLoad[] = [];
beforeAll(() => fx.setUp(6));
afterAll(async () => {
  await Promise.all(loads.map((l) => l.stop()));
  await fx.tearDown();
});

interface RollOutcome {
  /** Per restart: rebalances counted by the members that were not the one restarting. */
  readonly othersRebalanced: number[];
  /** Partitions per instance id before and after the roll. */
  readonly before: Record<string, string[]>;
  readonly after: Record<string, string[]>;
  readonly members: Member[];
}

/**
 * Three members with stable instance ids; once their assignment has settled, each is stopped and
 * replaced by a new client with the same instance id, one at a time, while records flow.
 */
async function roll(app: typeof KAFKAJS_APP | typeof RDKAFKA_APP, groupId: string, tally: ConsumerTally) {
  const ids = ['pod-0', 'pod-1', 'pod-2'].map((p) => `${groupId}-${p}`);
  const members: Member[] = [];
  for (const id of ids) members.push(await startMember(fx, app, groupId, id, tally));
  const settled = () => members.reduce((n, m) => n + partitionsOf(m, groupId).length, 0) === 6;
  // Members learn of a rebalance at their next heartbeat: the group is settled once it owns every
  // partition and no member's rebalance count has moved for a while.
  const quiet = async () => {
    await until(`group ${groupId} owns all 6 partitions`, settled, 90_000);
    const totals = () => members.map((m) => reportOf(m, groupId).rebalancesTotal).join();
    let last = totals();
    await until(
      `group ${groupId} quiet`,
      async () => {
        await new Promise((r) => setTimeout(r, 4000));
        const now = totals();
        const unchanged = now === last;
        last = now;
        return unchanged && settled();
      },
      90_000,
    );
  };
  await quiet();
  const before = Object.fromEntries(members.map((m) => [m.instanceId, partitionsOf(m, groupId)]));
  const othersRebalanced: number[] = [];
  for (let i = 0; i < members.length; i++) {
    const others = members.filter((_, j) => j !== i);
    const baseline = others.map((m) => reportOf(m, groupId).rebalancesTotal);
    await members[i].fleet.disconnect();
    members[i] = await startMember(fx, app, groupId, ids[i], tally);
    await until(
      `${ids[i]} is back with partitions`,
      () => partitionsOf(members[i], groupId).length > 0,
      90_000,
    );
    await quiet();
    othersRebalanced.push(
      others.reduce((n, m, k) => n + reportOf(m, groupId).rebalancesTotal - baseline[k], 0),
    );
  }
  const after = Object.fromEntries(members.map((m) => [m.instanceId, partitionsOf(m, groupId)]));
  return { othersRebalanced, before, after, members } satisfies RollOutcome;
}

async function drainAndJudge(producer: ProducerLoad, tally: ConsumerTally) {
  await producer.stop();
  await until(
    'everything acknowledged was consumed',
    () => verdict([producer], tally).lost === 0,
    60_000,
  ).catch(
    () => undefined, // the assertion below reports what is missing
  );
  return verdict([producer], tally);
}

describe('rolling restart of a three-member consumer group', () => {
  it('rdkafka with static membership: nobody is reassigned, the metrics show no rebalance, nothing lost or duplicated', async () => {
    const groupId = `${fx.topic}.static`;
    const tally = new ConsumerTally();
    const producer = new ProducerLoad('p-static', await fx.fleet(RDKAFKA_APP), fx.topic, 2, 20);
    loads.push(producer);
    producer.start();

    const outcome = await roll(RDKAFKA_APP, groupId, tally);

    expect(outcome.after).toEqual(outcome.before);
    expect(outcome.othersRebalanced).toEqual([0, 0, 0]);
    for (const m of outcome.members) {
      const report = reportOf(m, groupId);
      // Each replacement was handed its old partitions once, on joining, and nothing since.
      expect({ id: m.instanceId, total: report.rebalancesTotal, metric: await rebalanceMetric(m) }).toEqual({
        id: m.instanceId,
        total: 1,
        metric: 1,
      });
      expect(report).toMatchObject({
        backend: 'rdkafka',
        staticMembership: true,
        state: 'stable',
        storm: false,
      });
    }
    const v = await drainAndJudge(producer, tally);
    expect(v).toMatchObject({ lost: 0, duplicated: 0, orderViolations: 0 });
    expect(v.produced).toBeGreaterThan(100);
  });

  it('KafkaJS (eager, no static membership): the same roll makes the other members rebalance, still exactly once', async () => {
    const groupId = `${fx.topic}.eager`;
    const tally = new ConsumerTally();
    const producer = new ProducerLoad('p-eager', await fx.fleet(KAFKAJS_APP), fx.topic, 2, 20);
    loads.push(producer);
    producer.start();

    const outcome = await roll(KAFKAJS_APP, groupId, tally);

    // Eager: every restart makes both members that stayed rejoin (the leave and the rejoin may share a round).
    expect(outcome.othersRebalanced.every((n) => n >= 2)).toBe(true);
    console.log(
      `KafkaJS roll: rebalances seen by the other members per restart: ${outcome.othersRebalanced.join(', ')}`,
    );
    for (const m of outcome.members)
      expect(reportOf(m, groupId)).toMatchObject({ backend: 'kafkajs', staticMembership: false });
    const v = await drainAndJudge(producer, tally);
    expect(v).toMatchObject({ lost: 0, duplicated: 0, orderViolations: 0 });
    expect(v.produced).toBeGreaterThan(100);
  });
});
