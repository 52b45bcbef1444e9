import type { InstanceRow } from '../http/api-schemas';
import { typedValue } from '../output/format';
import { accessMap } from './apps.command';
import { compareAuditIds } from './audit-follow';
import { epochProgress, epochStatus } from './placement-change';

const instance = (instanceId: string, appliedEpochs: Record<string, number>): InstanceRow => ({
  instanceId,
  app: 'payments-api',
  host: 'h',
  backend: 'kafkajs',
  configVersion: 1,
  appliedEpochs,
  producerEpochs: appliedEpochs,
  consumerGroups: {},
  groupStates: {},
  effectiveConfig: {},
  rates: {},
  leaseMs: 30_000,
  lastSeenAt: '2025-01-01T00:00:00.000Z',
  expiresAt: '2025-01-01T00:00:30.000Z',
  lagging: [],
});

describe('audit ids', () => {
  it('compare as <ms>-<seq> numbers, not as text', () => {
    expect(compareAuditIds('1700000000000-10', '1700000000000-9')).toBeGreaterThan(0);
    expect(compareAuditIds('999999999999-0', '1000000000000-0')).toBeLessThan(0);
    expect(compareAuditIds('5-1', '5-1')).toBe(0);
  });
});

describe('placement wait', () => {
  const instances = [
    instance('a', { orders: 2 }),
    instance('b', { orders: 1, refunds: 1 }),
    instance('c', { refunds: 1 }),
  ];

  it('counts only the instances using the topic, and names the ones behind', () => {
    const progress = epochProgress('orders', 2, instances);
    expect(progress.total).toBe(2);
    expect(progress.acknowledged).toBe(1);
    expect(progress.behind.map((i) => i.instanceId)).toEqual(['b']);
    expect(epochStatus('orders', 2, instances)).toMatchObject({
      phase: 'waiting for instances',
      bars: [{ label: 'instances on epoch 2', done: 1, total: 2 }],
      fields: [{ key: 'behind', value: 'b' }],
    });
  });

  it('is applied when no instance is behind (or none uses the topic)', () => {
    expect(epochStatus('orders', 1, instances)).toMatchObject({ phase: 'applied', fields: [] });
    expect(epochProgress('unused', 5, instances)).toMatchObject({ total: 0, behind: [] });
  });
});

describe('app flags', () => {
  it('merge produce, consume and per-topic backends into one access map', () => {
    expect(accessMap(['orders', 'audit'], ['orders', 'refunds'], { refunds: 'rdkafka' })).toEqual({
      orders: { produce: true, consume: true },
      audit: { produce: true },
      refunds: { consume: true, backend: 'rdkafka' },
    });
  });

  it.each([
    ['5', 5],
    ['-1.5', -1.5],
    ['true', true],
    ['false', false],
    ['all', 'all'],
    ['1e3', '1e3'],
  ])('types override value %s', (text, value) => {
    expect(typedValue(text)).toBe(value);
  });
});
