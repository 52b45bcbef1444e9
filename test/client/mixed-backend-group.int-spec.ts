import type { FleetClient, FleetConsumer } from '@kafka-fleet/client';
import { readPhysicalTopic } from '../shuffle/support/physical-reader';
import {
  expectOk,
  KAFKAJS_APP,
  RDKAFKA_APP,
  ShuffleFixture,
  until,
} from '../shuffle/support/shuffle-fixture';

/** A member of `groupId` in its own client, with what it handled and how long it went without partitions. */
class Member {
  readonly handled: string[] = [];
  private withoutSince?: number = Date.now();
  /** The longest stretch, in ms, this member had no partition (sampled every 100 ms). */
  longestWithout = 0;
  private timer?: NodeJS.Timeout;
  consumer!: FleetConsumer;

  constructor(
    private readonly fleet: FleetClient,
    private readonly groupId: string,
  ) {}

  async start(topic: string): Promise<this> {
    this.consumer = this.fleet.consumer({ groupId: this.groupId, fromBeginning: true });
    await this.consumer.subscribe({ topics: [topic] });
    await this.consumer.run({
      eachMessage: async ({ message }) => void this.handled.push(String(message.value)),
    });
    this.timer = setInterval(() => {
      const now = Date.now();
      if (this.partitions() > 0) {
        if (this.withoutSince !== undefined)
          this.longestWithout = Math.max(this.longestWithout, now - this.withoutSince);
        this.withoutSince = undefined;
      } else this.withoutSince ??= now;
    }, 100);
    return this;
  }

  report() {
    return this.consumer.groupReports()[this.groupId];
  }

  partitions(): number {
    return (this.report()?.assigned ?? []).reduce((n, a) => n + a.partitions.length, 0);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * KafkaJS is eager (RoundRobin) and librdkafka cooperative-sticky: on main a group with a member
 * of each had no protocol in common, the KafkaJS member took every partition and the rdkafka
 * member waited in `rebalancing` for ever, with no warning anywhere. KafkaJS members now also
 * speak `cooperative-sticky`, so a mixed group works, and so does swapping a group's backend
 * under load, one member after the other. Counts come from reading the partitions back.
 */
describe('consumer groups that mix backends', () => {
  const fx = new ShuffleFixture(61);
  beforeAll(() => fx.setUp(6));
  afterAll(() => fx.tearDown());

  const physical = async () =>
    (await fx.sre()<{ placement: { physicalTopic: string } }>('GET', `/v1/topics/${fx.topic}`)).body.placement
      .physicalTopic;

  /** Every record on the partitions handled exactly once by the members together. */
  async function expectEachHandledOnce(members: readonly Member[]): Promise<void> {
    const written = (await readPhysicalTopic(fx.clusters[0], await physical())).map((r) => r.value);
    const all = () => members.flatMap((m) => m.handled);
    await until('every record handled', () => new Set(all()).size >= written.length, 90_000).catch(
      (error: Error) => {
        throw new Error(`${error.message}: ${new Set(all()).size} of ${written.length}`);
      },
    );
    const seen = all();
    expect({
      lost: written.filter((v) => !seen.includes(v)).length,
      duplicated: seen.length - new Set(seen).size,
    }).toEqual({
      lost: 0,
      duplicated: 0,
    });
  }

  it('gives partitions to the members of both backends, and handles each record once', async () => {
    const groupId = `${fx.topic}.mixed`;
    const producer = (await fx.fleet(RDKAFKA_APP)).producer();
    for (let i = 0; i < 30; i++)
      await producer.send({
        topic: fx.topic,
        messages: Array.from({ length: 20 }, (_, j) => ({ key: `k${j}`, value: `a${i}-${j}` })),
      });
    const members = [
      await new Member(await fx.fleet(KAFKAJS_APP), groupId).start(fx.topic),
      await new Member(await fx.fleet(RDKAFKA_APP), groupId).start(fx.topic),
    ];
    await until('both members owning partitions', () => members.every((m) => m.partitions() > 0), 60_000);
    expect(members.map((m) => m.report()?.backend)).toEqual(['kafkajs', 'rdkafka']);
    expect(members[0].partitions() + members[1].partitions()).toBe(6);
    // It works, and it is loud: the service lists both backends and counts the group as mixed.
    await until('the service seeing both members', async () => {
      const groups = (await fx.sre()<Array<{ id: string; backends: string[] }>>('GET', '/v1/groups')).body;
      return groups.find((g) => g.id === groupId)?.backends.length === 2;
    });
    expect(
      (await fx.sre()<{ backends: string[] }>('GET', `/v1/groups/${encodeURIComponent(groupId)}`)).body
        .backends,
    ).toEqual(['kafkajs', 'rdkafka']);
    expect(String((await fx.sre()('GET', '/metrics')).body)).toMatch(
      /^kafka_fleet_consumer_groups_mixed_backends 1$/m,
    );
    await expectEachHandledOnce(members);
    members.forEach((m) => m.stop());
  }, 180_000);

  it('swaps a group from KafkaJS to node-rdkafka and back under load: nothing lost or duplicated', async () => {
    const groupId = `${fx.topic}.swapped`;
    const members = [
      await new Member(await fx.fleet(KAFKAJS_APP), groupId).start(fx.topic),
      await new Member(await fx.fleet(KAFKAJS_APP), groupId).start(fx.topic),
    ];
    await until('both members owning partitions', () => members.every((m) => m.partitions() > 0), 60_000);
    // Load from the other app, whose backend does not change.
    const producer = (await fx.fleet(RDKAFKA_APP)).producer();
    let producing = true;
    let batch = 0;
    const load = (async () => {
      while (producing) {
        const b = batch++;
        await producer.send({
          topic: fx.topic,
          messages: Array.from({ length: 10 }, (_, j) => ({ key: `k${j}`, value: `s${b}-${j}` })),
        });
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const swapTo = async (backend: 'kafkajs' | 'rdkafka') => {
      const {
        createdAt: _c,
        updatedAt: _u,
        ...app
      } = (await fx.sre()<Record<string, unknown>>('GET', `/v1/apps/${KAFKAJS_APP}`)).body;
      expectOk(await fx.sre()('PUT', `/v1/apps/${KAFKAJS_APP}`, { ...app, backend }));
      await until(
        `both members on ${backend} with partitions`,
        () => members.every((m) => m.report()?.backend === backend && m.partitions() > 0),
        90_000,
      );
      await new Promise((r) => setTimeout(r, 3000));
    };
    await swapTo('rdkafka');
    await swapTo('kafkajs');
    producing = false;
    await load;
    await expectEachHandledOnce(members);
    members.forEach((m) => m.stop());
    // No member sat without partitions for longer than one lane restart and a rebalance.
    expect(Math.max(...members.map((m) => m.longestWithout))).toBeLessThan(20_000);
  }, 300_000);
});
