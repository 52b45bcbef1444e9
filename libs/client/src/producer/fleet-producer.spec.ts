import type { AppSnapshot } from '@kafka-fleet/contracts';
import type { Route } from '@kafka-fleet/core';
import type { ProducerPool } from '../backends/backend-pool';
import type { BackendProducer, OutgoingRecord, ProducerSettings } from '../backends/backend-port';
import { resolveOptions } from '../config/client-options';
import { TuningSource } from '../config/tuning-source';
import { BackendError, TopicAccessError } from '../errors/client-errors';
import { ClientMetrics } from '../metrics/client-metrics';
import type { ConfigSource } from '../resolution/config-source';
import { FleetProducer } from './fleet-producer';

const snapshot = (epoch: number, clusterId: string): AppSnapshot => ({
  app: 'payments-api',
  version: epoch,
  backend: 'kafkajs',
  configOverrides: {},
  clusters: [],
  topics: [
    {
      topic: 'orders',
      clusterId,
      physicalTopic: 'orders',
      bootstrapServers: [`${clusterId}:9092`],
      epoch,
      partitions: 3,
      state: 'stable',
      produce: true,
      consume: false,
      backend: 'kafkajs',
    },
    {
      topic: 'audit',
      clusterId,
      physicalTopic: 'audit',
      bootstrapServers: [`${clusterId}:9092`],
      epoch,
      partitions: 3,
      state: 'stable',
      produce: false,
      consume: true,
      backend: 'kafkajs',
    },
  ],
});

/** A config source and a producer pool that exist only in memory; failures scripted per call. */
type Scripted = 'retry' | 'reconnect' | 'fail' | 'plain' | 'fenced' | 'fenced-half' | 'retry-half';

function setUp(
  failures: Scripted[],
  onRefresh: () => Promise<void> = async () => undefined,
  deliveryTimeoutMs = 120_000,
) {
  let current = snapshot(1, 'alpha');
  const listeners: Array<(n: AppSnapshot, p: AppSnapshot) => void> = [];
  const config = {
    snapshot: () => current,
    onChange: (l: (n: AppSnapshot, p: AppSnapshot) => void) => listeners.push(l),
    refresh: () => onRefresh(),
  } as unknown as ConfigSource;
  const sends: Array<{ cluster: string; records: number }> = [];
  const connected: string[] = [];
  /** The compression of each client handed out, and the settings each retirement kept. */
  const compressions: string[] = [];
  const retiredAllBut: string[] = [];
  const pool = {
    get: async (route: Route, settings: ProducerSettings): Promise<BackendProducer> => {
      connected.push(route.clusterId);
      compressions.push(settings.compression);
      return producerFor(route);
    },
    retireOthers: async (settings: ProducerSettings) => void retiredAllBut.push(settings.compression),
  } as unknown as ProducerPool;
  const producerFor = (route: Route): BackendProducer => ({
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async (_topic: string, records: readonly OutgoingRecord[]) => {
      const failure = failures.shift();
      if (failure === 'plain') throw new Error('not a backend error');
      if (failure === 'fenced' || failure === 'fenced-half') {
        const refusal = new BackendError('scripted fence', 'reroute');
        // 'fenced-half': the first record was written before the fence, the rest refused.
        if (failure === 'fenced-half')
          refusal.outcome = { acks: [{ partition: 0, baseOffset: '7' }], notWritten: records.slice(1) };
        throw refusal;
      }
      if (failure === 'retry-half') {
        // A request to one broker failed retriably; the first record's broker wrote it.
        const error = new BackendError('scripted partial failure', 'retry');
        error.outcome = { acks: [{ partition: 1, baseOffset: '41' }], notWritten: records.slice(1) };
        throw error;
      }
      if (failure) throw new BackendError(`scripted ${failure}`, failure);
      sends.push({ cluster: route.clusterId, records: records.length });
      return [{ partition: 0, baseOffset: String(sends.length) }];
    },
  });
  const metrics = new ClientMetrics();
  const options = resolveOptions({
    serviceUrl: 'http://x',
    appId: 'payments-api',
    token: 't',
    maxSendRetries: 2,
    deliveryTimeoutMs,
  });
  const producer = new FleetProducer(config, pool, options, metrics, new TuningSource(options));
  const change = (next: AppSnapshot) => {
    const previous = current;
    current = next;
    listeners.forEach((l) => l(next, previous));
  };
  return {
    producer,
    sends,
    connected,
    compressions,
    retiredAllBut,
    metrics,
    change,
    snapshot: () => current,
  };
}

const one = [{ key: 'k', value: 'v' }];

describe('FleetProducer remediation', () => {
  it('retries retriable errors on the same shared client (a rebuild failed other topics in flight)', async () => {
    const { producer, sends, connected, metrics } = setUp(['retry', 'reconnect']);
    const result = await producer.send({ topic: 'orders', messages: one });
    expect(result).toEqual([
      { topic: 'orders', partition: 0, baseOffset: '1', clusterId: 'alpha', epoch: 1 },
    ]);
    expect(sends).toHaveLength(1);
    expect(connected).toEqual(['alpha', 'alpha', 'alpha']); // asked of the pool, never rebuilt
    const counted = await metrics.registry.getSingleMetricAsString('kafka_fleet_client_remediations_total');
    expect(counted).toMatch(/action="retry",backend="kafkajs"} 1/);
    expect(counted).toMatch(/action="reconnect",backend="kafkajs"} 1/);
  });

  it('retries only the records a partly failed attempt did not write', async () => {
    const { producer, sends } = setUp(['retry-half']);
    const result = await producer.send({
      topic: 'orders',
      messages: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
        { key: 'c', value: '3' },
      ],
    });
    expect(sends).toEqual([{ cluster: 'alpha', records: 2 }]);
    expect(result.map((r) => [r.partition, r.baseOffset])).toEqual([
      [1, '41'],
      [0, '1'],
    ]);
  });

  it('surfaces non-retriable errors at once and gives up after maxSendRetries', async () => {
    const failing = setUp(['fail']);
    await expect(failing.producer.send({ topic: 'orders', messages: one })).rejects.toMatchObject({
      code: 'BACKEND_ERROR',
      retriable: false,
    });
    expect(failing.sends).toHaveLength(0);
    const exhausted = setUp(['retry', 'retry', 'retry']);
    await expect(exhausted.producer.send({ topic: 'orders', messages: one })).rejects.toMatchObject({
      remediation: 'retry',
    });
    // One budget: no retry is started that would end after the send's delivery timeout.
    const budget = setUp(['retry', 'retry'], undefined, 50);
    await expect(budget.producer.send({ topic: 'orders', messages: one })).rejects.toMatchObject({
      remediation: 'retry',
    });
    expect(budget.sends).toHaveLength(0);
    const unknown = setUp(['plain']);
    await expect(unknown.producer.send({ topic: 'orders', messages: one })).rejects.toThrow(
      'not a backend error',
    );
  });

  it('refuses topics the app may not produce to, with typed errors', async () => {
    const { producer } = setUp([]);
    await expect(producer.send({ topic: 'audit', messages: one })).rejects.toBeInstanceOf(TopicAccessError);
    await expect(producer.send({ topic: 'nope', messages: one })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it("connects the target's producer while a shuffle prepares, before any send goes there", async () => {
    const { producer, connected, change } = setUp([]);
    await producer.send({ topic: 'orders', messages: one });
    const preparing = snapshot(1, 'alpha');
    change({
      ...preparing,
      version: 2,
      topics: preparing.topics.map((t) =>
        t.topic !== 'orders'
          ? t
          : {
              ...t,
              state: 'migrating',
              migration: {
                id: 'm1',
                phase: 'prepare',
                source: { clusterId: 'alpha', physicalTopic: 'orders', bootstrapServers: ['alpha:9092'] },
                target: { clusterId: 'beta', physicalTopic: 'orders', bootstrapServers: ['beta:9092'] },
                epochFrom: 1,
                drainedGroups: [],
              },
            },
      ),
    });
    expect(connected).toEqual(['alpha', 'beta']);
  });

  it('follows a route change and reports the epoch it applied', async () => {
    const { producer, sends, change } = setUp([]);
    await producer.send({ topic: 'orders', messages: one });
    change(snapshot(2, 'beta'));
    await producer.send({ topic: 'orders', messages: one });
    expect(sends.map((s) => s.cluster)).toEqual(['alpha', 'beta']);
    expect(producer.appliedEpochs()).toEqual({ orders: 2 });
  });
});

describe('FleetProducer on a fenced route', () => {
  const three = [
    { key: 'a', value: '1' },
    { key: 'b', value: '2' },
    { key: 'c', value: '3' },
  ];

  it('asks the service where the topic went and sends only what was not written, on the new route', async () => {
    const fx = setUp(['fenced-half'], async () => fx.change(snapshot(2, 'beta')));
    const result = await fx.producer.send({ topic: 'orders', messages: three });
    expect(fx.sends).toEqual([{ cluster: 'beta', records: 2 }]);
    expect(result).toEqual([
      { topic: 'orders', partition: 0, baseOffset: '7', clusterId: 'alpha', epoch: 1 },
      { topic: 'orders', partition: 0, baseOffset: '1', clusterId: 'beta', epoch: 2 },
    ]);
    expect(fx.producer.appliedEpochs()).toEqual({ orders: 2 });
  });

  it('keeps what an earlier retried attempt wrote when the route is then fenced', async () => {
    const fx = setUp(['retry-half', 'fenced'], async () => fx.change(snapshot(2, 'beta')));
    const result = await fx.producer.send({ topic: 'orders', messages: three });
    expect(fx.sends).toEqual([{ cluster: 'beta', records: 2 }]);
    expect(result).toEqual([
      { topic: 'orders', partition: 1, baseOffset: '41', clusterId: 'alpha', epoch: 1 },
      { topic: 'orders', partition: 0, baseOffset: '1', clusterId: 'beta', epoch: 2 },
    ]);
  });

  it('re-sends the whole send when the backend cannot say what was written', async () => {
    const fx = setUp(['fenced'], async () => fx.change(snapshot(2, 'beta')));
    await fx.producer.send({ topic: 'orders', messages: three });
    expect(fx.sends).toEqual([{ cluster: 'beta', records: 3 }]);
  });

  it('fails with a retriable RouteFencedError while the service is unreachable', async () => {
    const fx = setUp(['fenced'], async () => {
      throw new Error('connect ECONNREFUSED');
    });
    await expect(fx.producer.send({ topic: 'orders', messages: three })).rejects.toMatchObject({
      name: 'RouteFencedError',
      code: 'UNAVAILABLE',
      retriable: true,
    });
    expect(fx.sends).toEqual([]);
  });

  it('surfaces the refusal when the route did not move (the records really are too large)', async () => {
    const fx = setUp(['fenced']);
    await expect(fx.producer.send({ topic: 'orders', messages: three })).rejects.toMatchObject({
      remediation: 'reroute',
      message: 'scripted fence',
    });
    expect(fx.sends).toEqual([]);
  });
});

describe('FleetProducer under a changing app profile', () => {
  it('moves to the settings of new config overrides once the sends in flight answered, then retires the old clients', async () => {
    const { producer, compressions, retiredAllBut, change, snapshot: now } = setUp([]);
    await producer.send({ topic: 'orders', messages: one });
    change({ ...now(), version: 2, configOverrides: { compression: 'gzip', acks: 0 } });
    await producer.send({ topic: 'orders', messages: one });
    expect(compressions).toEqual(['none', 'gzip']);
    expect(retiredAllBut).toEqual(['gzip']);
  });

  it('closes the lane of a topic whose produce access was revoked: a typed error, no epoch reported', async () => {
    const { producer, sends, change, snapshot: now } = setUp([]);
    await producer.send({ topic: 'orders', messages: one });
    expect(producer.appliedEpochs()).toEqual({ orders: 1 });
    const before = now();
    change({
      ...before,
      version: 2,
      topics: before.topics.map((t) => (t.topic === 'orders' ? { ...t, produce: false } : t)),
    });
    await expect(producer.send({ topic: 'orders', messages: one })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      retriable: false,
    });
    expect(producer.appliedEpochs()).toEqual({});
    expect(sends).toHaveLength(1);
    // Access given back: a new lane, sends flow again.
    change({ ...before, version: 3 });
    await producer.send({ topic: 'orders', messages: one });
    expect(sends).toHaveLength(2);
  });
});
