import { rebalanceGoals, type FleetLoad } from '@kafka-fleet/contracts';
import type { IndexedMove } from './balance-planner';
import { FleetState } from './fleet-state';
import { pruneMoves } from './plan-pruner';

/**
 * Equal clusters where bytes in decides utilisation. a: a1 40, a2 30, p 10, q 10 → 0.90;
 * b: 35 → 0.35; c: 10 + 15 → 0.25. Mean 0.50, band [0.38, 0.62].
 */
const capacity = { bytesInPerSec: 100, bytesOutPerSec: 100, storageBytes: 10_000, partitions: 100 };
const fleet: FleetLoad = {
  clusters: ['a', 'b', 'c'].map((id) => ({ id, region: 'eu', environment: 'prod', capacity })),
  topics: [
    ['a1', 'a', 40, 400],
    ['a2', 'a', 30, 300],
    ['p', 'a', 10, 500],
    ['q', 'a', 10, 100],
    ['b1', 'b', 35, 350],
    ['c1', 'c', 10, 100],
    ['c2', 'c', 15, 150],
  ].map(([name, cluster, bytesInPerSec, storageBytes]) => ({
    name: name as string,
    cluster: cluster as string,
    partitions: 1,
    bytesInPerSec: bytesInPerSec as number,
    bytesOutPerSec: 1,
    storageBytes: storageBytes as number,
  })),
};
const goals = rebalanceGoals.parse({ tolerance: 0.12 });

function applied(moves: Array<[string, string]>): { state: FleetState; indexed: IndexedMove[] } {
  const state = new FleetState(fleet, goals, { kind: 'balance' }, new Set());
  const indexed = moves.map(([topic, to]) => {
    const t = state.topicNames.indexOf(topic);
    const move = {
      topic: t,
      from: state.topicCluster[t],
      to: state.clusterIds.indexOf(to),
      reason: 'drain' as const,
    };
    state.place(t, move.to);
    return move;
  });
  return { state, indexed };
}

const names = (state: FleetState, moves: IndexedMove[]) => moves.map((m) => state.topicNames[m.topic]);

describe('pruneMoves', () => {
  it('drops the biggest of two moves either of which is surplus, keeping the goals met', () => {
    // After a2→c, p→b, q→b: a 0.40, b 0.55, c 0.55. Without p or without q: a 0.50, b 0.45, still
    // in band; without both b falls to 0.35. p relocates more bytes, so p goes.
    const { state, indexed } = applied([
      ['a2', 'c'],
      ['p', 'b'],
      ['q', 'b'],
    ]);
    expect(state.goalsMet(goals)).toEqual({ spread: true, headroom: true });
    const kept = pruneMoves(state, indexed, goals);
    expect(names(state, kept)).toEqual(['a2', 'q']);
    expect(state.goalsMet(goals)).toEqual({ spread: true, headroom: true });
    expect(state.topicCluster[state.topicNames.indexOf('p')]).toBe(0);
  });

  it('keeps every move the goals need', () => {
    const { state, indexed } = applied([
      ['a2', 'c'],
      ['q', 'b'],
    ]);
    expect(names(state, pruneMoves(state, indexed, goals))).toEqual(['a2', 'q']);
  });

  it('when the goals are out of reach, drops the moves that do not reduce the violation', () => {
    // Tolerance 0.04, band [0.46, 0.54]. With all three moves a 0.40, b 0.55, c 0.55: violation
    // 0.0036 + 0.0001 + 0.0001. Without p: a 0.50, b 0.45 — violation 0.0002, so p goes. Then
    // dropping q would leave a at 0.60 and b at 0.35, dropping a2 a at 0.80: both stay.
    const narrow = rebalanceGoals.parse({ tolerance: 0.04 });
    const { state, indexed } = applied([
      ['a2', 'c'],
      ['q', 'b'],
      ['p', 'b'],
    ]);
    expect(state.violation(narrow)).toBeCloseTo(0.0038, 12);
    expect(names(state, pruneMoves(state, indexed, narrow))).toEqual(['a2', 'q']);
    expect(state.violation(narrow)).toBeCloseTo(0.0002, 12);
    expect(state.goalsMet(narrow)).toEqual({ spread: false, headroom: true });
  });
});
