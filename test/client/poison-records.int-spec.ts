import type { FleetClient, FleetConsumer } from '@kafka-fleet/client';
import type { GroupView } from '@kafka-fleet/contracts';
import { adminFor } from '../support/stack-harness';
import { readPhysicalTopic } from '../shuffle/support/physical-reader';
import {
  KAFKAJS_APP,
  RDKAFKA_APP,
  ShuffleFixture,
  expectOk,
  until,
} from '../shuffle/support/shuffle-fixture';

type App = typeof KAFKAJS_APP | typeof RDKAFKA_APP;

const RECORDS = 90;
const POISON_AT = 40;
const POLICY = { maxAttempts: 3, initialBackoffMs: 50, maxBackoffMs: 200 };

/** The group's committed offsets on the source topic, per partition. */
async function committed(
  fx: ShuffleFixture,
  group: string,
  physicalTopic: string,
): Promise<Record<string, string>> {
  const admin = adminFor(fx.clusters[0]);
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId: group, topics: [physicalTopic] });
    return Object.fromEntries(t.partitions.map((p) => [String(p.partition), p.offset]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * A handler that fails for ever on one record. Today's consumer redelivers it for ever: the rest
 * of its partition is never delivered, and on KafkaJS the runner crashes and rejoins (a rebalance).
 * Here the record is retried a bounded number of times with back-off (the app's policy, from the
 * service), then held (no dead-letter topic: the partition pauses at it and the group reports it)
 * or dead-lettered (with headers saying where it came from and why) and passed. Counts are read
 * back from the partitions: what the group handled against the log, its committed offsets against
 * the end offsets, the dead-letter topic record by record.
 */
describe.each([
  [KAFKAJS_APP, 55],
  [RDKAFKA_APP, 56],
] as Array<[App, number]>)('a poison record on %s', (app, db) => {
  const fx = new ShuffleFixture(db);
  const deadLetters = () => `${fx.topic}.dead-letters`;
  beforeAll(async () => {
    await fx.setUp(3);
    expectOk(
      await fx.sre()('POST', '/v1/topics', {
        name: deadLetters(),
        owner: 'payments',
        partitions: 1,
        clusterId: 'beta',
      }),
    );
  }, 120_000);
  afterAll(() => fx.tearDown());

  async function setPolicy(deadLetterTopic?: string): Promise<void> {
    const current = (await fx.sre()<Record<string, unknown>>('GET', `/v1/apps/${app}`)).body;
    const { createdAt: _c, updatedAt: _u, ...rest } = current;
    const topics = rest.topics as Record<string, unknown>;
    expectOk(
      await fx.sre()('PUT', `/v1/apps/${app}`, {
        ...rest,
        topics: deadLetterTopic ? { ...topics, [deadLetterTopic]: { produce: true } } : topics,
        handlerFailures: { ...POLICY, ...(deadLetterTopic ? { deadLetterTopic } : {}) },
      }),
    );
  }

  it('holds its partition (no dead-letter topic), lets the others go on, then dead-letters it once the app has a topic, and a shuffle completes', async () => {
    await setPolicy();
    const fleet: FleetClient = await fx.fleet(app);
    const producer = fleet.producer();
    for (let seq = 0; seq < RECORDS; seq++)
      await producer.send({
        topic: fx.topic,
        messages: [{ key: `k${seq % 12}`, value: seq === POISON_AT ? 'poison' : `r${seq}` }],
      });
    const log = await readPhysicalTopic(fx.clusters[0], fx.topic);
    const poison = log.find((r) => r.value === 'poison');
    if (!poison) throw new Error('the poison record is not on the log');

    const group = `${fx.topic}.${app}.poison`;
    const handled = new Map<string, number>(); // partition/offset -> times handled
    let attempts = 0;
    const consumer: FleetConsumer = (await fx.fleet(app)).consumer({ groupId: group, fromBeginning: true });
    await consumer.subscribe({ topics: [fx.topic] });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (message.value?.toString() === 'poison') {
          attempts++;
          throw new Error('cannot parse the record');
        }
        const at = `${partition}/${message.offset}`;
        handled.set(at, (handled.get(at) ?? 0) + 1);
      },
    });
    const reachable = log.filter(
      (r) => r.partition !== poison.partition || BigInt(r.offset) < BigInt(poison.offset),
    );
    await until('every record before the hold handled', () =>
      reachable.every((r) => handled.has(`${r.partition}/${r.offset}`)),
    );
    await until('the hold reported', () => (consumer.groupReports()[group].held ?? []).length === 1, 30_000);
    await new Promise((r) => setTimeout(r, 2_000)); // a crash loop or a redelivery would show here
    const report = consumer.groupReports()[group];
    expect(report.held).toEqual([
      expect.objectContaining({ topic: fx.topic, partition: poison.partition, offset: poison.offset }),
    ]);
    expect(attempts).toBe(POLICY.maxAttempts);
    const past = log.filter(
      (r) => r.partition === poison.partition && BigInt(r.offset) > BigInt(poison.offset),
    );
    expect(past.filter((r) => handled.has(`${r.partition}/${r.offset}`))).toEqual([]);
    expect(report.rebalancesTotal).toBe(1);
    await until(
      'the service shows the hold',
      async () => {
        const view = (await fx.sre()<GroupView>('GET', `/v1/groups/${encodeURIComponent(group)}`)).body;
        return view.held?.length === 1 && view.held[0].offset === poison.offset;
      },
      15_000,
    );

    // An SRE gives the app a dead-letter topic: the held record goes there and the partition moves on.
    await setPolicy(deadLetters());
    await until('every record but the poison handled', () =>
      log.every((r) => r === poison || handled.has(`${r.partition}/${r.offset}`)),
    );
    const ends = await fx.endOffsets(0, fx.topic);
    await until('the group committed every partition to its end', async () => {
      const at = await committed(fx, group, fx.topic);
      return Object.entries(ends).every(([p, end]) => at[p] === end);
    });
    const dead = await readPhysicalTopic(fx.clusters[1], deadLetters());
    expect(dead).toHaveLength(1);
    expect(dead[0].value).toBe('poison');
    expect(dead[0].headers).toEqual(
      expect.objectContaining({
        'kf-origin-topic': fx.topic,
        'kf-origin-cluster': 'alpha',
        'kf-origin-partition': String(poison.partition),
        'kf-origin-offset': poison.offset,
        'kf-origin-group': group,
        'kf-failure-attempts': String(POLICY.maxAttempts),
        'kf-failure-error': 'cannot parse the record',
      }),
    );
    expect([...handled.values()].filter((n) => n > 1)).toEqual([]); // nothing handled twice
    expect(consumer.groupReports()[group].held).toEqual([]);
    expect(consumer.groupReports()[group].rebalancesTotal).toBe(1);

    // The dead-lettered record counts as handled: a shuffle drains this group and completes.
    const shuffle = await fx.startShuffle('beta');
    await fx.waitFor(shuffle.id, 'done', { timeoutMs: 90_000 });
  }, 240_000);
});
