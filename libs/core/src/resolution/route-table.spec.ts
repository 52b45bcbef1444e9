import type { AppSnapshot } from '@kafka-fleet/contracts';
import { clientKey, findRoute, sameRoute } from './route-table';

const snapshot: AppSnapshot = {
  app: 'a',
  version: 7,
  backend: 'kafkajs',
  configOverrides: {},
  clusters: [],
  topics: [
    {
      topic: 'orders',
      clusterId: 'alpha',
      physicalTopic: 'orders.v1',
      bootstrapServers: ['a:1'],
      epoch: 3,
      partitions: 6,
      state: 'stable',
      produce: true,
      consume: false,
      backend: 'rdkafka',
    },
  ],
};

describe('route table', () => {
  it('finds the route of a topic the app may use', () => {
    const found = findRoute(snapshot, 'orders', 'produce');
    expect(found).toEqual({
      kind: 'ok',
      route: {
        topic: 'orders',
        clusterId: 'alpha',
        bootstrapServers: ['a:1'],
        physicalTopic: 'orders.v1',
        epoch: 3,
        backend: 'rdkafka',
        partitions: 6,
      },
    });
  });

  it('tells unknown topics from forbidden access', () => {
    expect(findRoute(snapshot, 'payments', 'produce').kind).toBe('unknown');
    expect(findRoute(snapshot, 'orders', 'consume').kind).toBe('forbidden');
  });

  it('compares routes and keys clients by backend and physical cluster', () => {
    const found = findRoute(snapshot, 'orders', 'produce');
    if (found.kind !== 'ok') throw new Error('expected a route');
    const r = found.route;
    expect(sameRoute(r, { ...r })).toBe(true);
    expect(sameRoute(r, { ...r, epoch: 4 })).toBe(false);
    expect(sameRoute(r, { ...r, backend: 'kafkajs' })).toBe(false);
    expect(clientKey(r)).toBe('rdkafka|alpha|a:1');
    const other: typeof r = { ...r, topic: 'other', physicalTopic: 'other.v1' };
    expect(clientKey(other)).toBe(clientKey(r));
  });
});
