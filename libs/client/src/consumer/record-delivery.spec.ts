import { handlerFailures, type HandlerFailures } from '@kafka-fleet/contracts';
import { createSeededRandom, type Route } from '@kafka-fleet/core';
import type { ConsumedRecord, DeliveryContext, Headers } from '../backends/backend-port';
import { ClientMetrics } from '../metrics/client-metrics';
import { RecordDelivery, type DeadLetterSink } from './record-delivery';

const route: Route = {
  topic: 'payments.receipts',
  clusterId: 'alpha',
  bootstrapServers: ['alpha:9092'],
  physicalTopic: 'payments.receipts.v2',
  epoch: 2,
  backend: 'kafkajs',
  partitions: 3,
};
const record: ConsumedRecord = {
  topic: 'payments.receipts.v2',
  partition: 1,
  offset: '41',
  key: Buffer.from('customer-42'),
  value: Buffer.from('not json'),
  headers: { trace: Buffer.from('t-1') },
  timestamp: '0',
};
const NOW = new Date('2026-12-02T10:00:00.000Z');
const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A delivery on a fake clock (sleeps are recorded, never waited), seeded jitter, an in-memory sink. */
function setUp(policy: Partial<HandlerFailures> = {}, sink?: DeadLetterSink) {
  const sent: Array<{ topic: string; headers: Headers; value: Buffer | null }> = [];
  const sleeps: number[] = [];
  const metrics = new ClientMetrics();
  const delivery = new RecordDelivery('receipts-indexer', {
    policy: () =>
      handlerFailures.parse({ maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 1500, ...policy }),
    deadLetters: sink ?? {
      send: async (topic, r) => {
        sent.push({ topic, headers: r.headers, value: r.value });
      },
    },
    logger: silent,
    metrics,
    rng: createSeededRandom(7),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => NOW,
  });
  let beats = 0;
  let stopping = false;
  const context: DeliveryContext = {
    heartbeat: async () => {
      beats++;
    },
    stopping: () => stopping,
  };
  return {
    delivery,
    sent,
    sleeps,
    metrics,
    context,
    beats: () => beats,
    stop: () => {
      stopping = true;
    },
  };
}

const failing = (times: number, error: Error = new Error('cannot parse')) => {
  let calls = 0;
  return {
    calls: () => calls,
    handle: async () => {
      calls++;
      if (calls <= times) throw error;
    },
  };
};

describe('RecordDelivery', () => {
  it('retries a failed record in place with back-off and heartbeats, until its handler succeeds', async () => {
    const t = setUp();
    const h = failing(2);
    await expect(t.delivery.deliver(route, record, t.context, h.handle)).resolves.toBeUndefined();
    expect(h.calls()).toBe(3);
    // Two waits: one step of 100 ms, one of 200 ms, each between half its step and the step.
    expect(t.sleeps).toHaveLength(2);
    expect(t.sleeps[0]).toBeGreaterThanOrEqual(50);
    expect(t.sleeps[0]).toBeLessThanOrEqual(100);
    expect(t.sleeps[1]).toBeGreaterThanOrEqual(100);
    expect(t.sleeps[1]).toBeLessThanOrEqual(200);
    expect(t.beats()).toBe(2);
    expect(t.sent).toEqual([]);
  });

  it('heartbeats at least every second through a long back-off', async () => {
    const t = setUp({ maxAttempts: 2, initialBackoffMs: 5000, maxBackoffMs: 5000 });
    await t.delivery.deliver(route, record, t.context, failing(1).handle);
    expect(t.sleeps.every((ms) => ms <= 1000)).toBe(true);
    expect(t.beats()).toBeGreaterThanOrEqual(3);
  });

  it('writes a record that failed every attempt to the dead-letter topic, saying where it came from and why', async () => {
    const t = setUp({ deadLetterTopic: 'payments.dead-letters' });
    const h = failing(Infinity);
    await expect(t.delivery.deliver(route, record, t.context, h.handle)).resolves.toBeUndefined();
    expect(h.calls()).toBe(3);
    expect(t.sent).toHaveLength(1);
    expect(t.sent[0].topic).toBe('payments.dead-letters');
    expect(t.sent[0].value?.toString()).toBe('not json');
    expect(t.sent[0].headers).toEqual({
      trace: Buffer.from('t-1'),
      'kf-origin-topic': 'payments.receipts',
      'kf-origin-cluster': 'alpha',
      'kf-origin-physical-topic': 'payments.receipts.v2',
      'kf-origin-partition': '1',
      'kf-origin-offset': '41',
      'kf-origin-group': 'receipts-indexer',
      'kf-failure-attempts': '3',
      'kf-failure-error': 'cannot parse',
      'kf-dead-lettered-at': NOW.toISOString(),
    });
    expect(t.delivery.heldPartitions(() => true)).toEqual([]);
  });

  it('holds the partition at the record when the app has no dead-letter topic, and reports it', async () => {
    const t = setUp();
    await expect(t.delivery.deliver(route, record, t.context, failing(Infinity).handle)).resolves.toBe(
      'hold',
    );
    expect(t.delivery.heldPartitions(() => true)).toEqual([
      expect.objectContaining({ topic: 'payments.receipts', partition: 1, offset: '41', clusterId: 'alpha' }),
    ]);
    expect(
      (await t.metrics.registry.getSingleMetric('kafka_fleet_client_held_partitions')?.get())?.values[0]
        .value,
    ).toBe(1);
    expect(t.delivery.release(() => true)).toHaveLength(1);
    expect(t.delivery.heldPartitions(() => true)).toEqual([]);
  });

  it('does not retry an error that says it is not retriable', async () => {
    const t = setUp({ deadLetterTopic: 'payments.dead-letters' });
    const h = failing(Infinity, Object.assign(new Error('schema mismatch'), { retriable: false }));
    await t.delivery.deliver(route, record, t.context, h.handle);
    expect(h.calls()).toBe(1);
    expect(t.sent).toHaveLength(1);
  });

  it('holds when the dead-letter topic refuses the record for good, and throws (redelivery) when it may succeed later', async () => {
    const refusing = (retriable: boolean) =>
      setUp(
        { deadLetterTopic: 'payments.dead-letters' },
        { send: () => Promise.reject(Object.assign(new Error('not allowed'), { retriable })) },
      );
    const forGood = refusing(false);
    await expect(
      forGood.delivery.deliver(route, record, forGood.context, failing(Infinity).handle),
    ).resolves.toBe('hold');
    expect(forGood.delivery.heldPartitions(() => true)[0].reason).toContain('refused it: not allowed');
    const later = refusing(true);
    await expect(
      later.delivery.deliver(route, record, later.context, failing(Infinity).handle),
    ).rejects.toThrow('not allowed');
    expect(later.delivery.heldPartitions(() => true)).toEqual([]);
  });

  it('stops waiting (the record stays uncommitted) when the member lets its partition go', async () => {
    const t = setUp();
    const h = failing(Infinity);
    t.stop();
    await expect(t.delivery.deliver(route, record, t.context, h.handle)).rejects.toThrow('let go');
    expect(h.calls()).toBe(1);
  });

  it('tells a new policy from the one in use', () => {
    const t = setUp();
    const policy = handlerFailures.parse({});
    expect(t.delivery.policyChanged(policy)).toBe(true);
    expect(t.delivery.policyChanged({ ...policy })).toBe(false);
    expect(t.delivery.policyChanged({ ...policy, deadLetterTopic: 'payments.dead-letters' })).toBe(true);
  });
});
