import { adminFor } from '../support/stack-harness';
import { APP_ID } from '../config-service/support/config-service-harness';
import { FleetFixture, until } from './fleet-fixture';

const fx = new FleetFixture(8);
beforeAll(() => fx.setUp());
afterAll(() => fx.tearDown());

async function highWatermarks(clusterIndex: 0 | 1, topic: string): Promise<number> {
  const admin = adminFor(fx.clusters[clusterIndex]);
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

describe('fleet client routing', () => {
  it('resolves a logical topic to its physical cluster and name, and follows a placement change live', async () => {
    const fleet = await fx.fleet();
    const producer = fleet.producer();
    const consumer = fleet.consumer({ groupId: `${fx.topic}.readers` });
    const got: string[] = [];
    await consumer.subscribe({ topics: [fx.topic] });
    await consumer.run({ eachMessage: async ({ message }) => void got.push(message.value!.toString()) });

    const first = await producer.send({
      topic: fx.topic,
      messages: [
        { key: 'k1', value: 'before-1' },
        { key: 'k2', value: 'before-2' },
      ],
    });
    expect(first.every((m) => m.clusterId === 'alpha' && m.epoch === 1)).toBe(true);
    expect(await highWatermarks(0, fx.topic)).toBe(2);

    await fx.moveTopic('beta');
    await until(
      'producer route switched',
      async () =>
        (await producer.send({ topic: fx.topic, messages: [{ key: 'probe', value: 'probe' }] }))[0]
          .clusterId === 'beta',
      20_000,
    );
    const after = await producer.send({ topic: fx.topic, messages: [{ key: 'k1', value: 'after-1' }] });
    expect(after[0]).toMatchObject({ clusterId: 'beta', epoch: 2 });
    expect(await highWatermarks(0, fx.topic)).toBeGreaterThanOrEqual(2);
    expect(await highWatermarks(1, fx.topic)).toBeGreaterThanOrEqual(2);

    await until('consumer followed to beta', () => got.includes('after-1'), 60_000);
    expect(got).toEqual(expect.arrayContaining(['before-1', 'before-2', 'after-1']));

    await until('heartbeat shows epoch 2 applied', async () => {
      await fleet.reportNow();
      const instances = (
        await fx.sre()<Array<{ instanceId: string; appliedEpochs: Record<string, number> }>>(
          'GET',
          `/v1/instances?app=${APP_ID}`,
        )
      ).body;
      return instances.some(
        (i) => i.instanceId === fleet.options.instanceId && i.appliedEpochs[fx.topic] === 2,
      );
    });
    const metrics = await fleet.metrics.registry.metrics();
    expect(metrics).toMatch(/kafka_fleet_client_route_switches_total\{topic="[^"]+"\} [1-9]/);
    expect(metrics).toMatch(
      /kafka_fleet_client_produced_records_total\{topic="[^"]+",cluster="beta",backend="kafkajs"\}/,
    );
  });

  it('refuses topics outside the app profile with a typed error', async () => {
    const fleet = await fx.fleet();
    await expect(
      fleet.producer().send({ topic: 'not.mine', messages: [{ value: 'x' }] }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', retriable: false });
  });
});
