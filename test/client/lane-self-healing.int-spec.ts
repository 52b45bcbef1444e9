import { topicName } from '../config-service/fixtures';
import { FaultProxy } from '../support/fault-proxy';
import { FleetFixture, until } from './fleet-fixture';

/**
 * A consumer whose cluster is unreachable when it starts (a network path down, a firewall not yet
 * opened) must start on its own once the cluster is back, without a restart or a route change.
 * The cluster is registered through a TCP fault proxy in front of beta's broker: cut, the lane's
 * bootstrap is refused at once; restored, the lane must come up and read what is produced.
 */
describe.each([
  ['kafkajs', 51],
  ['rdkafka', 52],
] as const)('a consumer lane that could not start (%s)', (backend, db) => {
  const fx = new FleetFixture(db, backend);
  const topic = topicName('healing');
  let proxy: FaultProxy;
  beforeAll(async () => {
    await fx.setUp();
    const beta = fx.clusters[1].bootstrapServers[0];
    proxy = await FaultProxy.start(`http://${beta}`);
    const sre = fx.sre();
    const via = new URL(proxy.url).host;
    for (const [path, body] of [
      ['/v1/clusters', { id: 'beta-proxied', bootstrapServers: [via], region: 'local', environment: 'dev' }],
      ['/v1/topics', { name: topic, owner: 'payments', partitions: 2, clusterId: 'beta-proxied' }],
    ] as const) {
      const res = await sre('POST', path, body);
      if (res.status !== 201) throw new Error(`${path} failed: ${res.status} ${JSON.stringify(res.body)}`);
    }
    await fx.updateApp((app) => ({
      ...app,
      topics: { ...(app.topics as object), [topic]: { produce: true, consume: true } },
    }));
  });
  afterAll(async () => {
    await fx.tearDown();
    await proxy.close();
  });

  it('starts by itself once the cluster is reachable, and reads what is produced', async () => {
    const seen: string[] = [];
    const consumer = (await fx.fleet()).consumer({ groupId: `${topic}.${backend}` });
    await consumer.subscribe({ topics: [topic] });
    proxy.cut();
    await expect(
      consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') }),
    ).rejects.toThrow();
    proxy.restore();

    // The group starts at the earliest offset: what is produced before its lane is up is read too.
    const producer = (await fx.fleet()).producer();
    const values = Array.from({ length: 20 }, (_, i) => `after-${i}`);
    await producer.send({ topic, messages: values.map((value, i) => ({ key: `k${i}`, value })) });
    await until('every record read', () => values.every((v) => seen.includes(v)), 90_000).catch(
      (error: Error) => {
        throw new Error(`${error.message}: read ${seen.length} of ${values.length}`);
      },
    );
  }, 240_000);
});
