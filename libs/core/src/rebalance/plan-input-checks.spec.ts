import type { FleetLoad, RebalanceGoalsInput, RebalanceMode } from '@kafka-fleet/contracts';
import { ValidationError } from '../errors/fleet-errors';
import { createSeededRandom } from '../random/random-source';
import { planRebalance } from './move-planner';

const capacity = { bytesInPerSec: 100, bytesOutPerSec: 100, storageBytes: 1000, partitions: 100 };
const fleet = (): FleetLoad => ({
  clusters: [
    { id: 'a', region: 'eu', environment: 'prod', capacity: { ...capacity } },
    { id: 'b', region: 'eu', environment: 'prod', capacity: { ...capacity } },
  ],
  topics: [
    { name: 'x', cluster: 'a', partitions: 3, bytesInPerSec: 50, bytesOutPerSec: 50, storageBytes: 10 },
  ],
});

/** The ValidationError planRebalance throws for this input, or a failure if it does not throw. */
function rejection(
  input: FleetLoad,
  goals: RebalanceGoalsInput = {},
  mode: RebalanceMode = { kind: 'balance' },
): ValidationError {
  try {
    planRebalance(input, goals, createSeededRandom(1), mode);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('planRebalance input checks', () => {
  it('accepts the valid baseline', () => {
    expect(planRebalance(fleet(), {}, createSeededRandom(1)).moves).toBeDefined();
  });

  it.each([
    [
      'negative capacity',
      (f: FleetLoad) => (f.clusters[0].capacity.storageBytes = -1),
      'clusters.0.capacity.storageBytes',
    ],
    [
      'zero capacity',
      (f: FleetLoad) => (f.clusters[1].capacity.partitions = 0),
      'clusters.1.capacity.partitions',
    ],
    ['negative load', (f: FleetLoad) => (f.topics[0].bytesInPerSec = -5), 'topics.0.bytesInPerSec'],
    ['non-finite load', (f: FleetLoad) => (f.topics[0].storageBytes = Number.NaN), 'topics.0.storageBytes'],
    ['topic on an unknown cluster', (f: FleetLoad) => (f.topics[0].cluster = 'zz'), 'topics.0.cluster'],
    ['duplicate cluster', (f: FleetLoad) => (f.clusters[1].id = 'a'), 'clusters.1.id'],
    ['duplicate topic', (f: FleetLoad) => f.topics.push({ ...f.topics[0] }), 'topics.1.name'],
  ])('rejects %s, naming the field', (_name, spoil, path) => {
    const input = fleet();
    spoil(input);
    const error = rejection(input);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.retriable).toBe(false);
    expect(error.fields.map((f) => f.path)).toContain(path);
  });

  it.each([
    ['an unknown cluster', [{ topic: 'x', cluster: 'zz' }], 'pinned.0.cluster'],
    ['an unknown topic', [{ topic: 'nope', cluster: 'a' }], 'pinned.0.topic'],
    ['the wrong cluster for the topic (stale view)', [{ topic: 'x', cluster: 'b' }], 'pinned.0.cluster'],
  ])('rejects a pin on %s', (_name, pinned, path) => {
    expect(rejection(fleet(), { pinned }).fields.map((f) => f.path)).toEqual([path]);
  });

  it('rejects a drain of an unknown cluster', () => {
    const error = rejection(fleet(), {}, { kind: 'drain', cluster: 'zz' });
    expect(error.fields).toEqual([{ path: 'mode.cluster', reason: 'cannot drain unknown cluster "zz"' }]);
  });

  it.each([
    ['tolerance', { tolerance: -0.1 }],
    ['maxUtilisation', { maxUtilisation: 0 }],
    ['maxUtilisation', { maxUtilisation: 1.5 }],
    ['maxConcurrentMoves', { maxConcurrentMoves: 0 }],
    ['maxMoves', { maxMoves: 2.5 }],
    ['maxBytesMoved', { maxBytesMoved: -1 }],
  ])('rejects an out-of-range %s', (path, goals) => {
    expect(rejection(fleet(), goals).fields.map((f) => f.path)).toEqual([path]);
  });

  it('caps the issue list for a fleet full of bad rows', () => {
    const input = fleet();
    for (let i = 0; i < 100; i++) input.topics.push({ ...input.topics[0], name: `t${i}`, cluster: 'zz' });
    expect(rejection(input).fields).toHaveLength(20);
  });
});
