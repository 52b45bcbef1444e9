import type { Heartbeat } from '@kafka-fleet/contracts';
import { scopeHeartbeat } from './heartbeat-scope';

const beat = (claims: Partial<Heartbeat>): Heartbeat => ({
  instanceId: 'i-1',
  app: 'payments-api',
  host: 'h',
  backend: 'kafkajs',
  configVersion: 1,
  appliedEpochs: {},
  producerEpochs: {},
  consumerGroups: {},
  groupStates: {},
  effectiveConfig: {},
  rates: {},
  leaseMs: 30_000,
  ...claims,
});

describe('scopeHeartbeat', () => {
  const grants = new Map([
    ['orders', { produce: true, consume: false }],
    ['audit', { produce: false, consume: true }],
  ]);

  it('keeps the claims the app profile allows and lists the others', () => {
    const { beat: kept, ignored } = scopeHeartbeat(
      beat({
        appliedEpochs: { orders: 2, audit: 1, 'ledger.entries': 4 },
        producerEpochs: { orders: 2, audit: 1 },
        consumerGroups: { audit: ['g1'], orders: ['g2'] },
        rates: { 'ledger.entries': { produceBytesPerSec: 1e308, consumeBytesPerSec: 0 } },
      }),
      grants,
    );
    expect(kept).toMatchObject({
      appliedEpochs: { orders: 2, audit: 1 },
      producerEpochs: { orders: 2 },
      consumerGroups: { audit: ['g1'] },
      rates: {},
    });
    expect(ignored).toEqual([
      { field: 'appliedEpochs', topic: 'ledger.entries' },
      { field: 'producerEpochs', topic: 'audit' },
      { field: 'consumerGroups', topic: 'orders' },
      { field: 'rates', topic: 'ledger.entries' },
    ]);
  });

  it('treats names of Object.prototype as data (a topic may be called "constructor")', () => {
    const { beat: kept, ignored } = scopeHeartbeat(
      // JSON.parse, as the service's body parser does: `__proto__` becomes an own key.
      beat({ producerEpochs: JSON.parse('{"constructor":1,"__proto__":1}') as Record<string, number> }),
      grants,
    );
    expect(kept.producerEpochs).toEqual({});
    expect(ignored.map((i) => i.topic).sort()).toEqual(['__proto__', 'constructor'].sort());
  });
});
