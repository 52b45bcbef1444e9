import type { FleetLoad, RebalanceGoalsInput, RebalancePlan } from '@kafka-fleet/contracts';
import { createSeededRandom } from '../random/random-source';
import { planRebalance } from './move-planner';
import { generateFleet } from './testing/fleet-generator';
import { findPlanProblems, goalsHold, placementAfter } from './testing/plan-checker';

const BALANCE = { kind: 'balance' } as const;
const plan = (fleet: FleetLoad, goals: RebalanceGoalsInput, seed = 1) =>
  planRebalance(fleet, goals, createSeededRandom(seed));

/** The fleet as it stands once `result` has been carried out. */
function applied(fleet: FleetLoad, result: RebalancePlan): FleetLoad {
  const placement = placementAfter(fleet, result.moves);
  return { ...fleet, topics: fleet.topics.map((t) => ({ ...t, cluster: placement.get(t.name)! })) };
}

describe('balance planning on a generated fleet (200 clusters, 20,000 topics, a few hot)', () => {
  const fleet = generateFleet({ clusters: 200, topics: 20_000 }, createSeededRandom(1));
  const goals = { tolerance: 0.1, maxUtilisation: 0.8 };
  const result = plan(fleet, goals);

  it('starts outside the goals, so meeting them is the planner’s doing', () => {
    expect(goalsHold(fleet, goals, BALANCE, new Map())).toMatchObject({ spread: false, headroom: false });
  });

  it('meets the spread and headroom goals, and the plan keeps every rule', () => {
    expect(result.goalsMet).toEqual({ spread: true, headroom: true });
    expect(result.stopReason).toBe('goals-met');
    expect(result.violations).toEqual([]);
    expect(result.spread.after.maxMinusMin).toBeLessThan(result.spread.before.maxMinusMin);
    expect(result.spread.after.stddev).toBeLessThan(result.spread.before.stddev);
    expect(result.utilisation.every((u) => u.after <= 0.8 + 1e-9)).toBe(true);
    expect(result.moves.length).toBeGreaterThan(0);
    expect(findPlanProblems(fleet, goals, BALANCE, result)).toEqual([]);
  });

  it('keeps every target in the source cluster’s region and environment', () => {
    const byId = new Map(fleet.clusters.map((c) => [c.id, c]));
    for (const m of result.moves) {
      expect([byId.get(m.to)?.region, byId.get(m.to)?.environment]).toEqual([
        byId.get(m.from)?.region,
        byId.get(m.from)?.environment,
      ]);
    }
  });

  it('gives the identical plan for the same seed', () => {
    expect(plan(fleet, goals)).toEqual(result);
  });

  it('plans nothing once the plan has been carried out', () => {
    const again = plan(applied(fleet, result), goals);
    expect(again.moves).toEqual([]);
    expect(again.goalsMet).toEqual({ spread: true, headroom: true });
  });

  it('crosses regions and environments only when allowed, and still keeps every rule', () => {
    const open = { ...goals, sameRegion: false, sameEnvironment: false };
    const free = plan(fleet, open);
    expect(findPlanProblems(fleet, open, BALANCE, free)).toEqual([]);
    expect(free.goalsMet).toEqual({ spread: true, headroom: true });
  });

  it('never moves pinned topics, whether pinned in the model or by the goals', () => {
    const pinnedFleet = generateFleet(
      { clusters: 200, topics: 20_000, pinnedShare: 0.3 },
      createSeededRandom(1),
    );
    const hottest = [...result.utilisation].sort((a, b) => b.before - a.before)[0].cluster;
    const pins = pinnedFleet.topics
      .filter((t) => t.cluster === hottest && !t.pinned)
      .slice(0, 20)
      .map((t) => ({ topic: t.name, cluster: t.cluster }));
    const pinnedGoals = { ...goals, pinned: pins };
    const pinnedPlan = plan(pinnedFleet, pinnedGoals);
    const pinned = new Set([
      ...pinnedFleet.topics.filter((t) => t.pinned).map((t) => t.name),
      ...pins.map((p) => p.topic),
    ]);
    expect(pinnedPlan.moves.length).toBeGreaterThan(0);
    expect(pinnedPlan.moves.filter((m) => pinned.has(m.topic))).toEqual([]);
    expect(findPlanProblems(pinnedFleet, pinnedGoals, BALANCE, pinnedPlan)).toEqual([]);
  });

  it('stops at maxMoves and says so', () => {
    const capped = { ...goals, maxMoves: 15 };
    const short = plan(fleet, capped);
    expect(short.moves.length).toBeLessThanOrEqual(15);
    expect(short.stopReason).toBe('max-moves');
    expect(short.goalsMet.spread).toBe(false);
    expect(findPlanProblems(fleet, capped, BALANCE, short)).toEqual([]);
  });

  it('stays within maxBytesMoved and says so', () => {
    const budget = result.totals.bytesMoved / 4;
    const capped = { ...goals, maxBytesMoved: budget };
    const short = plan(fleet, capped);
    expect(short.totals.bytesMoved).toBeLessThanOrEqual(budget);
    expect(short.moves.length).toBeGreaterThan(0);
    expect(short.stopReason).toBe('max-bytes-moved');
    expect(findPlanProblems(fleet, capped, BALANCE, short)).toEqual([]);
  });

  it('groups the moves into waves within both concurrency limits', () => {
    const limited = { ...goals, maxConcurrentMoves: 3, maxConcurrentMovesPerCluster: 1 };
    const waved = plan(fleet, limited);
    expect(waved.waves.every((w) => w.length <= 3)).toBe(true);
    expect(waved.waves.length).toBeGreaterThanOrEqual(Math.ceil(waved.moves.length / 3));
    expect(findPlanProblems(fleet, limited, BALANCE, waved)).toEqual([]);
  });

  it('leaves draining clusters alone: neither source nor target', () => {
    const draining = new Set(fleet.clusters.slice(0, 20).map((c) => c.id));
    const withDraining = {
      ...fleet,
      clusters: fleet.clusters.map((c) => ({ ...c, draining: draining.has(c.id) })),
    };
    const drainingPlan = plan(withDraining, goals);
    expect(drainingPlan.moves.filter((m) => draining.has(m.from) || draining.has(m.to))).toEqual([]);
    expect(findPlanProblems(withDraining, goals, BALANCE, drainingPlan)).toEqual([]);
  });
});

describe('seeded tie-breaking', () => {
  // Identical topics make many moves exactly as good as each other: only the seed decides.
  const uniform = generateFleet({ clusters: 40, topics: 4_000, uniformTopics: true }, createSeededRandom(5));
  const goals = { tolerance: 0.1 };

  it('gives different, equally valid plans for different seeds', () => {
    const one = plan(uniform, goals, 1);
    const two = plan(uniform, goals, 2);
    expect(one.moves.length).toBeGreaterThan(0);
    expect(two.moves).not.toEqual(one.moves);
    for (const p of [one, two]) expect(findPlanProblems(uniform, goals, BALANCE, p)).toEqual([]);
    expect(plan(uniform, goals, 2)).toEqual(two);
  });
});

describe('minimality on a modest fleet', () => {
  const fleet = generateFleet({ clusters: 30, topics: 3_000 }, createSeededRandom(1));
  const goals = { tolerance: 0.1, maxUtilisation: 0.8 };
  const result = plan(fleet, goals);

  it('meets the goals with moves none of which can be dropped', () => {
    expect(result.goalsMet).toEqual({ spread: true, headroom: true });
    expect(result.moves.length).toBeGreaterThan(1);
    for (let i = 0; i < result.moves.length; i++) {
      const without = result.moves.filter((_, j) => j !== i);
      const held = goalsHold(fleet, goals, BALANCE, placementAfter(fleet, without));
      expect({ dropped: result.moves[i].topic, met: held.spread && held.headroom }).toEqual({
        dropped: result.moves[i].topic,
        met: false,
      });
    }
  });
});
