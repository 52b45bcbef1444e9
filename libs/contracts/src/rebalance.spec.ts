import { rebalanceGoals, rebalancePlanRequest, topicLoad } from './rebalance';

describe('rebalance contracts', () => {
  it('fills every goal with its documented default', () => {
    expect(rebalancePlanRequest.parse({})).toEqual({
      mode: { kind: 'balance' },
      goals: {
        tolerance: 0.1,
        maxUtilisation: 0.8,
        maxConcurrentMoves: 4,
        maxConcurrentMovesPerCluster: 2,
        sameRegion: true,
        sameEnvironment: true,
        pinned: [],
      },
      seed: 0,
    });
  });

  it('accepts a drain request with caps', () => {
    const request = rebalancePlanRequest.parse({
      mode: { kind: 'drain', cluster: 'eu-1' },
      goals: { maxMoves: 50, maxBytesMoved: 1e12, pinned: [{ topic: 'orders', cluster: 'eu-1' }] },
      seed: 42,
    });
    expect(request.mode).toEqual({ kind: 'drain', cluster: 'eu-1' });
    expect(request.goals.maxMoves).toBe(50);
  });

  it.each([
    [{ mode: { kind: 'drain' } }, 'mode.cluster'],
    [{ mode: { kind: 'shuffle' } }, 'mode.kind'],
    [{ goals: { maxUtilisation: 0 } }, 'goals.maxUtilisation'],
    [{ goals: { tolerance: 2 } }, 'goals.tolerance'],
    [{ goals: { maxConcurrentMoves: 0 } }, 'goals.maxConcurrentMoves'],
    [{ goals: { surprise: true } }, 'goals'],
    [{ seed: -1 }, 'seed'],
  ])('rejects %j at %s', (input, path) => {
    const result = rebalancePlanRequest.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('rejects negative loads and unnamed goals fields', () => {
    const base = {
      name: 't',
      cluster: 'c',
      partitions: 1,
      bytesInPerSec: 1,
      bytesOutPerSec: 1,
      storageBytes: 1,
    };
    expect(topicLoad.safeParse(base).success).toBe(true);
    expect(topicLoad.safeParse({ ...base, storageBytes: -1 }).success).toBe(false);
    expect(rebalanceGoals.safeParse({ maxMoves: -1 }).success).toBe(false);
  });
});
