import type { FleetConsumer } from '@kafka-fleet/client';
import { FleetFixture, until } from './fleet-fixture';

const owned = (c: FleetConsumer, group: string): number =>
  (c.groupReports()[group]?.assigned ?? []).reduce((n, a) => n + a.partitions.length, 0);

async function member(fx: FleetFixture, group: string, extra: Parameters<FleetFixture['fleet']>[0] = {}) {
  const fleet = await fx.fleet(extra);
  const consumer = fleet.consumer({ groupId: group });
  await consumer.subscribe({ topics: [fx.topic] });
  await consumer.run({ eachMessage: async () => undefined });
  return { fleet, consumer };
}

/**
 * Static membership (`group.instance.id`, node-rdkafka) makes a restarting member get its
 * partitions back without a rebalance, but only a member whose id survives the restart gains
 * anything: with a random id every restart leaves the old member's partitions idle for the whole
 * session timeout. And two consumers of one group in one process must not share an id (the
 * broker fences one of them).
 */
describe('static membership on node-rdkafka', () => {
  const fx = new FleetFixture(49, 'rdkafka');
  beforeAll(() => fx.setUp());
  afterAll(() => fx.tearDown());

  it('gives two consumers of one group in one client, with a stable instance id, their own members', async () => {
    const group = `${fx.topic}.two-in-one`;
    const fleet = await fx.fleet({ instanceId: 'pod-0' });
    const consumers = [fleet.consumer({ groupId: group }), fleet.consumer({ groupId: group })];
    for (const c of consumers) {
      await c.subscribe({ topics: [fx.topic] });
      await c.run({ eachMessage: async () => undefined });
    }
    await until(
      'both consumers own partitions',
      () =>
        consumers.every((c) => owned(c, group) > 0) &&
        consumers.reduce((n, c) => n + owned(c, group), 0) === 6,
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: owned ${consumers.map((c) => owned(c, group)).join(' / ')}`);
    });
  }, 120_000);

  it("without a stable instance id, hands a departed member's partitions over at once, not after the session timeout", async () => {
    const group = `${fx.topic}.default-id`;
    const sessionTimeoutMs = 45_000;
    const leaving = await member(fx, group, { sessionTimeoutMs });
    const staying = await member(fx, group, { sessionTimeoutMs });
    await until(
      'both members own partitions',
      () => owned(leaving.consumer, group) > 0 && owned(staying.consumer, group) > 0,
      60_000,
    );
    const left = Date.now();
    await leaving.fleet.disconnect();
    await until(
      'the staying member owns every partition',
      () => owned(staying.consumer, group) === 6,
      20_000,
    ).catch((error: Error) => {
      throw new Error(
        `${error.message} (session timeout ${sessionTimeoutMs} ms): owns ${owned(staying.consumer, group)}`,
      );
    });
    console.log(`default instance id: partitions handed over ${Date.now() - left} ms after the member left`);
  }, 180_000);
});
