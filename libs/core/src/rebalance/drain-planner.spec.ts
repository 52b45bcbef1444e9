import type { FleetLoad, RebalanceGoalsInput } from '@kafka-fleet/contracts';
import { createSeededRandom } from '../random/random-source';
import { planRebalance } from './move-planner';
import { generateFleet } from './testing/fleet-generator';
import { findPlanProblems } from './testing/plan-checker';

describe('drain planning on a generated fleet (200 clusters, 20,000 topics)', () => {
  const fleet = generateFleet({ clusters: 200, topics: 20_000 }, createSeededRandom(3));
  const goals = { tolerance: 0.1, maxUtilisation: 0.8 };
  // The busiest cluster by topic count: the hardest one to empty.
  const counts = new Map<string, number>();
  for (const t of fleet.topics) counts.set(t.cluster, (counts.get(t.cluster) ?? 0) + 1);
  const victim = [...counts].sort((a, b) => b[1] - a[1])[0][0];
  const mode = { kind: 'drain', cluster: victim } as const;
  const onVictim = fleet.topics.filter((t) => t.cluster === victim);
  const drain = (f: FleetLoad, g: RebalanceGoalsInput, seed = 1) =>
    planRebalance(f, g, createSeededRandom(seed), mode);

  it('empties the cluster onto same-region, same-environment targets within headroom', () => {
    const plan = drain(fleet, goals);
    expect(plan.goalsMet.drained).toBe(true);
    expect(plan.unplaceable).toEqual([]);
    expect(plan.moves.map((m) => m.topic).sort()).toEqual(onVictim.map((t) => t.name).sort());
    expect(plan.moves.every((m) => m.from === victim && m.to !== victim && m.reason === 'drain')).toBe(true);
    expect(plan.utilisation.find((u) => u.cluster === victim)?.after).toBe(0);
    expect(plan.stopReason).toBe('drained');
    expect(findPlanProblems(fleet, goals, mode, plan)).toEqual([]);
  });

  it('is deterministic for a seed', () => {
    expect(drain(fleet, goals, 9)).toEqual(drain(fleet, goals, 9));
  });

  it('reports pinned topics as unplaceable and moves the rest', () => {
    const modelPinned = new Set(onVictim.slice(0, 3).map((t) => t.name));
    const pinnedFleet = {
      ...fleet,
      topics: fleet.topics.map((t) => ({ ...t, pinned: modelPinned.has(t.name) })),
    };
    const pins = onVictim.slice(3, 5).map((t) => ({ topic: t.name, cluster: victim }));
    const pinnedGoals = { ...goals, pinned: pins };
    const plan = drain(pinnedFleet, pinnedGoals);
    expect(plan.unplaceable.map((u) => [u.topic, u.reason]).sort()).toEqual(
      onVictim.slice(0, 5).map((t) => [t.name, 'pinned']),
    );
    expect(plan.moves).toHaveLength(onVictim.length - 5);
    expect(plan.goalsMet.drained).toBe(false);
    expect(plan.stopReason).toBe('unplaceable-topics');
    expect(findPlanProblems(pinnedFleet, pinnedGoals, mode, plan)).toEqual([]);
  });

  it('reports what fits nowhere under a tight headroom, never exceeding it', () => {
    const tight = { ...goals, maxUtilisation: 0.5 };
    const plan = drain(fleet, tight);
    expect(plan.unplaceable.length).toBeGreaterThan(0);
    expect(plan.moves.length).toBeGreaterThan(0);
    expect(new Set(plan.unplaceable.map((u) => u.reason))).toEqual(new Set(['no-headroom']));
    expect(plan.goalsMet.drained).toBe(false);
    // The checker proves every "no-headroom" topic really fits on no eligible cluster.
    expect(findPlanProblems(fleet, tight, mode, plan)).toEqual([]);
  });

  it('reports every topic when no cluster shares the region', () => {
    const lonely = {
      ...fleet,
      clusters: fleet.clusters.map((c) => (c.id === victim ? { ...c, region: 'nowhere-else' } : c)),
    };
    const plan = drain(lonely, goals);
    expect(plan.moves).toEqual([]);
    expect(plan.unplaceable).toHaveLength(onVictim.length);
    expect(plan.unplaceable.every((u) => u.reason === 'no-eligible-target')).toBe(true);
    expect(findPlanProblems(lonely, goals, mode, plan)).toEqual([]);
  });

  it('stops at maxMoves and maxBytesMoved, reporting the rest with the cap that stopped them', () => {
    const fewMoves = { ...goals, maxMoves: 10 };
    const byMoves = drain(fleet, fewMoves);
    expect(byMoves.moves).toHaveLength(10);
    expect(byMoves.unplaceable).toHaveLength(onVictim.length - 10);
    expect(byMoves.unplaceable.every((u) => u.reason === 'max-moves')).toBe(true);
    expect(byMoves.stopReason).toBe('max-moves');
    expect(findPlanProblems(fleet, fewMoves, mode, byMoves)).toEqual([]);

    const budget = onVictim.reduce((sum, t) => sum + t.storageBytes, 0) / 3;
    const fewBytes = { ...goals, maxBytesMoved: budget };
    const byBytes = drain(fleet, fewBytes);
    expect(byBytes.totals.bytesMoved).toBeLessThanOrEqual(budget);
    expect(byBytes.unplaceable.length).toBeGreaterThan(0);
    expect(byBytes.unplaceable.every((u) => u.reason === 'max-bytes-moved')).toBe(true);
    expect(byBytes.stopReason).toBe('max-bytes-moved');
    expect(findPlanProblems(fleet, fewBytes, mode, byBytes)).toEqual([]);
  });

  it('never sends topics to other draining clusters', () => {
    const first = drain(fleet, goals);
    const usedTargets = new Set(first.moves.map((m) => m.to));
    const withDraining = {
      ...fleet,
      clusters: fleet.clusters.map((c) => ({ ...c, draining: usedTargets.has(c.id) })),
    };
    const plan = drain(withDraining, goals);
    expect(plan.moves.filter((m) => usedTargets.has(m.to))).toEqual([]);
    expect(findPlanProblems(withDraining, goals, mode, plan)).toEqual([]);
  });

  it('keeps the drained cluster within its per-wave limit', () => {
    const limited = { ...goals, maxConcurrentMoves: 8, maxConcurrentMovesPerCluster: 3 };
    const plan = drain(fleet, limited);
    expect(plan.waves.every((w) => w.length <= 3)).toBe(true);
    expect(plan.waves).toHaveLength(Math.ceil(plan.moves.length / 3));
  });
});
