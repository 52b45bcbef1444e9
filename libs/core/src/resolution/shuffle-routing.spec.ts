import type { AppSnapshot, SnapshotTopic } from '@kafka-fleet/contracts';
import { findRoute, sameRoute, withinBounds, type Route } from './route-table';

const migrating: SnapshotTopic = {
  topic: 'orders',
  clusterId: 'beta',
  physicalTopic: 'orders',
  bootstrapServers: ['b:1'],
  epoch: 4,
  partitions: 2,
  state: 'migrating',
  produce: true,
  consume: true,
  backend: 'kafkajs',
  floor: { '0': '0', '1': '0' },
  migration: {
    id: 'm1',
    phase: 'drain-consumers',
    source: { clusterId: 'alpha', physicalTopic: 'orders', bootstrapServers: ['a:1'] },
    epochFrom: 3,
    sourceFloor: { '0': '10', '1': '0' },
    fence: { '0': '120', '1': '80' },
    drainedGroups: ['indexer'],
  },
};
const snapshot: AppSnapshot = {
  app: 'a',
  version: 9,
  backend: 'kafkajs',
  configOverrides: {},
  clusters: [],
  pausedGroups: [],
  topics: [migrating],
};
const route = (lookup: ReturnType<typeof findRoute>): Route => {
  if (lookup.kind !== 'ok') throw new Error(`no route: ${lookup.kind}`);
  return lookup.route;
};

describe('routing during a shuffle', () => {
  it('sends producers to the new placement', () => {
    expect(route(findRoute(snapshot, 'orders', 'produce'))).toMatchObject({ clusterId: 'beta', epoch: 4 });
  });

  it('keeps a group that has not drained on the source, bounded by its floor and the fence', () => {
    const r = route(findRoute(snapshot, 'orders', 'consume', 'billing'));
    expect(r).toMatchObject({
      clusterId: 'alpha',
      physicalTopic: 'orders',
      epoch: 3,
      bootstrapServers: ['a:1'],
    });
    expect(r.bounds).toEqual({ floor: { '0': '10', '1': '0' }, ceiling: { '0': '120', '1': '80' } });
  });

  it('moves a drained group to the target, from the floor', () => {
    const r = route(findRoute(snapshot, 'orders', 'consume', 'indexer'));
    expect(r).toMatchObject({ clusterId: 'beta', epoch: 4, bounds: { floor: { '0': '0', '1': '0' } } });
  });

  it('treats a consumer without a group as not drained (it must not skip the source)', () => {
    expect(route(findRoute(snapshot, 'orders', 'consume')).clusterId).toBe('alpha');
  });

  it('delivers only offsets inside the era: at or above the floor, below the fence', () => {
    const r = route(findRoute(snapshot, 'orders', 'consume', 'billing'));
    expect(withinBounds(r, 0, '9')).toBe(false);
    expect(withinBounds(r, 0, '10')).toBe(true);
    expect(withinBounds(r, 0, '119')).toBe(true);
    expect(withinBounds(r, 0, '120')).toBe(false);
    expect(withinBounds(r, 1, '79')).toBe(true);
    expect(withinBounds(r, 1, '80')).toBe(false);
    // Offsets beyond 2^53 are compared exactly.
    const far = { ...r, bounds: { ceiling: { '0': '9007199254740993' } } };
    expect(withinBounds(far, 0, '9007199254740992')).toBe(true);
    expect(withinBounds(far, 0, '9007199254740993')).toBe(false);
  });

  it('does not restart a lane when only the bounds change (a fence arriving)', () => {
    const before = route(
      findRoute(
        { ...snapshot, topics: [{ ...migrating, migration: { ...migrating.migration!, fence: undefined } }] },
        'orders',
        'consume',
        'billing',
      ),
    );
    const after = route(findRoute(snapshot, 'orders', 'consume', 'billing'));
    expect(before.bounds?.ceiling).toBeUndefined();
    expect(sameRoute(before, after)).toBe(true);
  });
});
