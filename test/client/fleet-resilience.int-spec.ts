import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FleetFixture, until } from './fleet-fixture';

const SERVICE_PORT = 18_187;
const DOWNTIME_MS = Number(process.env.KF_DOWNTIME_MS ?? 60_000);
const fx = new FleetFixture(9);
beforeAll(() => fx.setUp(SERVICE_PORT));
afterAll(() => fx.tearDown());

/** Keyed, sequence-numbered records; returns what was acknowledged. */
function keyedProducer(send: (key: string, value: string) => Promise<unknown>) {
  const acked: string[] = [];
  let seq = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const key = `k-${seq % 12}`;
      const value = `${key}:${seq++}`;
      await send(key, value);
      acked.push(value);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return { acked, stop: async () => ((running = false), await loop) };
}

/** Per key, sequence numbers must arrive in increasing order. */
function orderViolations(values: readonly string[]): number {
  const last = new Map<string, number>();
  let violations = 0;
  for (const v of values) {
    const [key, seq] = [v.split(':')[0], Number(v.split(':')[1])];
    if ((last.get(key) ?? -1) > seq) violations++;
    last.set(key, seq);
  }
  return violations;
}

describe('fleet client resilience', () => {
  it(`keeps producing and consuming on last-known-good while the config service is down (${DOWNTIME_MS / 1000} s), then catches up`, async () => {
    const lkgFile = join(mkdtempSync(join(tmpdir(), 'kf-lkg-')), 'snapshot.json');
    const fleet = await fx.fleet({ lastKnownGoodFile: lkgFile });
    const consumed: string[] = [];
    const consumer = fleet.consumer({ groupId: `${fx.topic}.lkg` });
    await consumer.subscribe({ topics: [fx.topic] });
    await consumer.run({ eachMessage: async ({ message }) => void consumed.push(message.value!.toString()) });
    const producer = keyedProducer((key, value) =>
      fleet.producer().send({ topic: fx.topic, messages: [{ key, value }] }),
    );

    await until('traffic flowing', () => consumed.length > 20);
    await fx.service.app.close();
    const downAt = Date.now();
    const ackedAtStop = producer.acked.length;
    // A client started during the outage boots from the last-known-good file.
    const late = await fx.fleet({ lastKnownGoodFile: lkgFile, serviceTimeoutMs: 500 });
    await late.producer().send({ topic: fx.topic, messages: [{ key: 'late', value: 'late:0' }] });
    while (Date.now() - downAt < DOWNTIME_MS) await new Promise((r) => setTimeout(r, 1000));
    expect(producer.acked.length).toBeGreaterThan(ackedAtStop + 100);
    expect(fleet.configState().stalenessMs).toBeGreaterThan(DOWNTIME_MS - 5000);

    await fx.startService(SERVICE_PORT);
    await fx.updateApp((app) => ({ ...app, configOverrides: { lingerMs: 10 } }));
    const current = (await fx.sre()<Array<{ version: number }>>('GET', '/v1/audit?limit=1')).body[0].version;
    await until(
      'client caught up with the change made after the outage',
      () => fleet.configState().version >= current,
      30_000,
    );
    expect(fleet.configState().stalenessMs).toBeLessThan(5000);
    await producer.stop();
    const expected = new Set([...producer.acked, 'late:0']);
    await until(
      'every acknowledged record consumed',
      () => [...expected].every((v) => consumed.includes(v)),
      60_000,
    );
    expect(orderViolations(consumed.filter((v) => v.startsWith('k-')))).toBe(0);
  });

  it('switches backend under load (kafkajs → rdkafka) with nothing lost and per-key order kept', async () => {
    const fleet = await fx.fleet();
    const consumed: string[] = [];
    const consumer = fleet.consumer({ groupId: `${fx.topic}.switch` });
    await consumer.subscribe({ topics: [fx.topic] });
    await consumer.run({ eachMessage: async ({ message }) => void consumed.push(message.value!.toString()) });
    const producer = keyedProducer((key, value) =>
      fleet.producer().send({ topic: fx.topic, messages: [{ key, value: `sw-${value}` }] }),
    );
    await until('some traffic', () => producer.acked.length > 200);
    await fx.updateApp((app) => ({ ...app, backend: 'rdkafka' }));
    await until(
      'producer on rdkafka',
      async () => {
        await fleet.refreshConfig();
        const m = await fleet.metrics.registry.getSingleMetricAsString(
          'kafka_fleet_client_produced_records_total',
        );
        return /backend="rdkafka"/.test(m);
      },
      30_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
    await producer.stop();
    const sent = producer.acked.map((v) => `sw-${v}`);
    await until('all switched-run records consumed', () => sent.every((v) => consumed.includes(v)), 60_000);
    const ours = consumed.filter((v) => v.startsWith('sw-')).map((v) => v.slice(3));
    expect(new Set(ours).size).toBe(sent.length);
    expect(orderViolations(ours)).toBe(0);
    const metrics = await fleet.metrics.registry.getSingleMetricAsString(
      'kafka_fleet_client_produced_records_total',
    );
    expect(metrics).toMatch(/backend="kafkajs"/);
    expect(metrics).toMatch(/backend="rdkafka"/);
  });
});
