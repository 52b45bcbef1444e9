import { APP_ID } from '../config-service/support/config-service-harness';
import { topicName } from '../config-service/fixtures';
import { readPhysicalTopic } from '../shuffle/support/physical-reader';
import { storedBatches } from '../support/record-batches';
import { FleetFixture, until } from './fleet-fixture';

type Effective = Record<string, string | number | boolean>;

/**
 * An SRE changes an app's config overrides while it runs. The client applies them without a
 * restart, within the guardrails: the heartbeat reports the settings in force (the pinned ones
 * too), the producer's records written after the change are stored the way the new settings say
 * (read from the broker's segment files), nothing is lost, duplicated or reordered across the
 * switch, and the consumer restarts its lane on the new settings (librdkafka validates them at
 * creation) and keeps reading. An override the platform pins is refused by the service.
 */
describe.each([
  ['kafkajs', 59],
  ['rdkafka', 60],
] as const)('config overrides applied by a running client (%s)', (backend, db) => {
  const fx = new FleetFixture(db, backend);
  const topic = topicName('overrides');
  beforeAll(async () => {
    await fx.setUp();
    await fx.onboard(topic, { partitions: 1, clusterId: 'beta' });
  });
  afterAll(() => fx.tearDown());

  it('reports and applies the overrides in force, with every record read back once and in order', async () => {
    const laneStarts: Array<Record<string, unknown>> = [];
    const quiet = () => undefined;
    const fleet = await fx.fleet({
      logger: {
        debug: quiet,
        warn: quiet,
        error: quiet,
        info: (message, fields) =>
          void (message === 'consumer lane started' && laneStarts.push(fields ?? {})),
      },
    });
    const effective = async (): Promise<Effective> => {
      await fleet.reportNow();
      const rows = (
        await fx.sre()<Array<{ instanceId: string; effectiveConfig: Effective }>>(
          'GET',
          `/v1/instances?app=${APP_ID}`,
        )
      ).body;
      return rows.find((r) => r.instanceId === fleet.options.instanceId)?.effectiveConfig ?? {};
    };
    const seen: string[] = [];
    const consumer = fleet.consumer({ groupId: `${topic}.${backend}` });
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(String(message.value)) });

    const producer = fleet.producer();
    // Compressible: librdkafka stores a batch uncompressed when compressing would not shrink it.
    const values = Array.from({ length: 400 }, (_, i) => `v${i}-${'x'.repeat(500)}`);
    const sendRange = (from: number, to: number) =>
      Promise.all(
        values.slice(from, to).map((value) => producer.send({ topic, messages: [{ key: 'k', value }] })),
      );
    await sendRange(0, 100);
    expect(await effective()).toMatchObject({ compression: 'none', acks: 'all', idempotence: true });

    const pinned = await fx.sre()('PUT', `/v1/apps/${APP_ID}`, {
      ...(await appBody()),
      configOverrides: { acks: 1 },
    });
    expect(pinned.status).toBe(400);

    const overrides = {
      compression: 'gzip',
      lingerMs: 20,
      sessionTimeoutMs: 12_000,
      heartbeatIntervalMs: 2_000,
      maxPollIntervalMs: 60_000,
      fetchMaxBytes: 65_536,
    };
    // Sends keep going while the change arrives and the lanes switch: the switch must not reorder.
    const during = sendRange(100, 300);
    await fx.updateApp((app) => ({ ...app, configOverrides: overrides }));
    await until(
      'the heartbeat reporting the overrides',
      async () => (await effective()).compression === 'gzip',
    );
    expect(await effective()).toMatchObject({ ...overrides, acks: 'all', idempotence: true });
    await during;
    await sendRange(300, 400);
    // The consumer's lane was restarted on the new consumer settings (and librdkafka accepted them).
    await until('the consumer lane restarted', () => laneStarts.length === 2);

    const physical = (await fx.sre()<{ placement: { physicalTopic: string } }>('GET', `/v1/topics/${topic}`))
      .body.placement.physicalTopic;
    const batches = await storedBatches(fx.clusters[1].brokers[0], physical, 0);
    expect(batches[0]).toMatchObject({ baseOffset: 0, codec: 'none' });
    // Everything sent after the heartbeat showed the change went compressed.
    expect(batches.filter((b) => b.lastOffset >= 300).map((b) => b.codec)).toEqual(
      expect.arrayContaining(['gzip']),
    );
    expect(new Set(batches.filter((b) => b.baseOffset >= 300).map((b) => b.codec))).toEqual(
      new Set(['gzip']),
    );

    const stored = (await readPhysicalTopic(fx.clusters[1], physical)).map((r) => r.value);
    expect(stored).toEqual(values);
    await until('every record consumed', () => seen.length >= values.length, 60_000);
    expect(seen).toEqual(values);
  }, 180_000);

  async function appBody(): Promise<Record<string, unknown>> {
    const {
      createdAt: _c,
      updatedAt: _u,
      ...rest
    } = (await fx.sre()<Record<string, unknown>>('GET', `/v1/apps/${APP_ID}`)).body;
    return rest;
  }
});
