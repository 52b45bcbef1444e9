import { rebalancePlan, type ClusterLoad, type FleetLoad, type TopicLoad } from '@kafka-fleet/contracts';
import { createSeededRandom } from '../random/random-source';
import { planRebalance } from './move-planner';
import { findPlanProblems } from './testing/plan-checker';

/**
 * Three equal clusters; bytes in per second decides every utilisation (the other dimensions stay
 * far below it), so each case can be worked out by hand from the numbers below.
 *   a: a1 40, a2 30, a3 20 → 0.90     b: b1 35 → 0.35     c: c1 10, c2 15 → 0.25
 * Mean 0.50; with tolerance 0.12 the band is [0.38, 0.62].
 */
function cluster(id: string, region = 'eu'): ClusterLoad {
  return {
    id,
    region,
    environment: 'prod',
    capacity: { bytesInPerSec: 100, bytesOutPerSec: 100, storageBytes: 10_000, partitions: 100 },
  };
}

function topic(name: string, on: string, bytesInPerSec: number): TopicLoad {
  return {
    name,
    cluster: on,
    partitions: 1,
    bytesInPerSec,
    bytesOutPerSec: bytesInPerSec / 2,
    storageBytes: bytesInPerSec * 10,
  };
}

function smallFleet(cRegion = 'eu'): FleetLoad {
  return {
    clusters: [cluster('a'), cluster('b'), cluster('c', cRegion)],
    topics: [
      topic('a1', 'a', 40),
      topic('a2', 'a', 30),
      topic('a3', 'a', 20),
      topic('b1', 'b', 35),
      topic('c1', 'c', 10),
      topic('c2', 'c', 15),
    ],
  };
}

const goals = {
  tolerance: 0.12,
  maxUtilisation: 0.8,
  maxConcurrentMoves: 4,
  maxConcurrentMovesPerCluster: 2,
};
const rng = () => createSeededRandom(1);

describe('planRebalance on a hand-computed fleet', () => {
  it('relieves the hot cluster with the move that gains most, then fills the cold one', () => {
    // Step 1 from a: a2→c leaves a at 0.60 and c at 0.55, both inside the band (a1→c would push
    // c to 0.65, over the band; a3→c leaves a at 0.70). Step 2: b is still below 0.38; a3→b
    // brings a to 0.40 and b to 0.55. Neither move can go without leaving a cluster out of band.
    const plan = planRebalance(smallFleet(), goals, rng());
    expect(plan.moves).toEqual([
      { topic: 'a2', from: 'a', to: 'c', bytes: 300, reason: 'source-over-headroom' },
      { topic: 'a3', from: 'a', to: 'b', bytes: 200, reason: 'target-below-band' },
    ]);
    expect(plan.waves).toEqual([['a2', 'a3']]);
    expect(plan.totals).toEqual({ moves: 2, bytesMoved: 500 });
    expect(plan.utilisation.map((u) => [u.cluster, u.before, u.after])).toEqual([
      ['a', 0.9, 0.4],
      ['b', 0.35, 0.55],
      ['c', 0.25, 0.55],
    ]);
    expect(plan.spread.before.maxMinusMin).toBeCloseTo(0.65, 12);
    expect(plan.spread.before.stddev).toBeCloseTo(Math.sqrt(0.245 / 3), 12);
    expect(plan.spread.after.maxMinusMin).toBeCloseTo(0.15, 12);
    expect(plan.spread.after.stddev).toBeCloseTo(Math.sqrt(0.005), 12);
    expect(plan.goalsMet).toEqual({ spread: true, headroom: true });
    expect(plan.stopReason).toBe('goals-met');
    expect(plan.violations).toEqual([]);
    expect(() => rebalancePlan.parse(plan)).not.toThrow();
  });

  it('splits waves when a cluster may take part in one move at a time', () => {
    const plan = planRebalance(smallFleet(), { ...goals, maxConcurrentMovesPerCluster: 1 }, rng());
    expect(plan.waves).toEqual([['a2'], ['a3']]);
  });

  it('keeps a pinned topic in place and says the spread goal is out of reach', () => {
    // With a2 pinned, a1 would overshoot any target above 0.62, so a3→c (a 0.70, c 0.45). Then a
    // is still above the band, but a1 would drop it to 0.30, below: no move helps.
    const pinned = [{ topic: 'a2', cluster: 'a' }];
    const plan = planRebalance(smallFleet(), { ...goals, pinned }, rng());
    expect(plan.moves).toEqual([
      { topic: 'a3', from: 'a', to: 'c', bytes: 200, reason: 'source-over-headroom' },
    ]);
    expect(plan.goalsMet).toEqual({ spread: false, headroom: true });
    expect(plan.stopReason).toBe('no-improving-move');
    expect(plan.violations.map((v) => [v.cluster, v.violation])).toEqual([
      ['a', 'above-band'],
      ['b', 'below-band'],
    ]);
  });

  it('keeps targets in the source region, reporting the clusters it could not bring in', () => {
    // c is in another region, so a may only give to b, and only a3 keeps b inside the band
    // (a 0.70, b 0.55). c stays cold with no same-region partner; a stays above the band.
    const plan = planRebalance(smallFleet('us'), goals, rng());
    expect(plan.moves).toEqual([
      { topic: 'a3', from: 'a', to: 'b', bytes: 200, reason: 'source-over-headroom' },
    ]);
    expect(plan.goalsMet).toEqual({ spread: false, headroom: true });
    expect(plan.violations.map((v) => [v.cluster, v.violation])).toEqual([
      ['a', 'above-band'],
      ['c', 'below-band'],
    ]);
    expect(findPlanProblems(smallFleet('us'), goals, { kind: 'balance' }, plan)).toEqual([]);
  });

  it('drains a cluster biggest topic first onto the least-utilised target, reporting what does not fit', () => {
    // a1 (40) → c (0.65 vs b 0.75); a2 (30) → b (0.65; c would reach 0.95 > 0.80);
    // a3 (20) would take b or c to 0.85: no headroom left anywhere.
    const mode = { kind: 'drain', cluster: 'a' } as const;
    const plan = planRebalance(smallFleet(), goals, rng(), mode);
    expect(plan.moves).toEqual([
      { topic: 'a1', from: 'a', to: 'c', bytes: 400, reason: 'drain' },
      { topic: 'a2', from: 'a', to: 'b', bytes: 300, reason: 'drain' },
    ]);
    expect(plan.unplaceable).toEqual([{ topic: 'a3', cluster: 'a', reason: 'no-headroom' }]);
    expect(plan.goalsMet).toEqual({ spread: true, headroom: true, drained: false });
    expect(plan.stopReason).toBe('unplaceable-topics');
    expect(plan.waves).toEqual([['a1', 'a2']]);
    expect(findPlanProblems(smallFleet(), goals, mode, plan)).toEqual([]);
  });

  it('drains completely when the headroom allows it', () => {
    const mode = { kind: 'drain', cluster: 'a' } as const;
    const plan = planRebalance(smallFleet(), { ...goals, maxUtilisation: 0.9 }, rng(), mode);
    expect(plan.moves.map((m) => m.topic).sort()).toEqual(['a1', 'a2', 'a3']);
    expect(plan.unplaceable).toEqual([]);
    expect(plan.goalsMet.drained).toBe(true);
    expect(plan.utilisation.find((u) => u.cluster === 'a')?.after).toBe(0);
    expect(plan.stopReason).toBe('drained');
  });

  it('plans nothing for a fleet already within the goals', () => {
    const fleet: FleetLoad = {
      clusters: [cluster('a'), cluster('b'), cluster('c')],
      topics: [topic('x', 'a', 50), topic('y', 'b', 45), topic('z', 'c', 55)],
    };
    const plan = planRebalance(fleet, goals, rng());
    expect(plan.moves).toEqual([]);
    expect(plan.waves).toEqual([]);
    expect(plan.stopReason).toBe('goals-met');
  });
});
