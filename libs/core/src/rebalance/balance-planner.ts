import type { PlannedMove, RebalanceGoals, StopReason } from '@kafka-fleet/contracts';
import type { RandomSource } from '../random/random-source';
import { GOAL_EPSILON, type FleetState, type UtilisationBand } from './fleet-state';

/** A move by index into the fleet state. */
export interface IndexedMove {
  readonly topic: number;
  readonly from: number;
  readonly to: number;
  readonly reason: PlannedMove['reason'];
}

export interface PlannerOutcome {
  readonly moves: IndexedMove[];
  readonly stopReason: StopReason;
}

/**
 * Targets tried per source: the coolest few eligible clusters. The best target for a topic is
 * almost always among them (utilisation is the max over dimensions, so a cool cluster is cool in
 * every dimension), and trying all would multiply the cost of each step by the fleet size.
 */
const TARGETS_PER_STEP = 8;
/**
 * Share of the tolerance the planner prefers to keep clear at the irreversible band edges: near
 * the top for targets, near the bottom for sources. A target can never shed (nor a source receive)
 * later in the same plan, and the mean — hence the band — shifts as load moves between clusters of
 * different sizes, so a target filled right to the edge can end just outside it. Soft, not hard:
 * small fleets with coarse topics may need the margin to meet the goals at all.
 */
const EDGE_MARGIN_SHARE = 0.25;
/** A move must cut the violation by more than float noise, or planning could churn forever. */
const MIN_GAIN = 1e-12;

// A cluster's role so far in the plan (0: none yet).
const SOURCE = 1;
const TARGET = 2;

/**
 * Greedy balancing. Each step takes the most-utilised cluster that has an improving move and moves
 * the topic that most reduces the fleet's violation (squared distance outside the band, with a
 * small preference for staying clear of the edges) to one of its coolest eligible targets; among
 * equally good moves the fewest bytes win, then the seeded source breaks the tie. Stops when the
 * goals are met, a cap is reached or nothing improves.
 *
 * A cluster is a source or a target in one plan, never both: every cluster's load then changes in
 * one direction while the plan runs, so any order or grouping of the moves keeps every target at
 * or below the headroom its final state was checked against.
 */
export function planBalance(state: FleetState, goals: RebalanceGoals, rng: RandomSource): PlannerOutcome {
  const role = new Uint8Array(state.clusterCount);
  const moves: IndexedMove[] = [];
  const maxMoves = goals.maxMoves ?? Infinity;
  let bytesLeft = goals.maxBytesMoved ?? Infinity;
  for (;;) {
    if (state.violation(goals) <= 0) return { moves, stopReason: 'goals-met' };
    if (moves.length >= maxMoves) return { moves, stopReason: 'max-moves' };
    const band = state.band(goals);
    let budgetBlocked = false;
    let chosen: Candidate | undefined;
    const coldIn = coldPerGroup(state, role, band.lo);
    for (const source of sourcesByHeat(state, role)) {
      if (!canImprove(state, source, band, coldIn)) continue;
      const targets = coolestTargets(state, role, source);
      const found = bestMove(state, goals, band, source, targets, bytesLeft, rng);
      budgetBlocked ||= found.budgetBlocked;
      if (found.best) {
        chosen = found.best;
        break;
      }
    }
    if (!chosen) return { moves, stopReason: budgetBlocked ? 'max-bytes-moved' : 'no-improving-move' };
    const { topic, to } = chosen;
    const from = state.topicCluster[topic];
    moves.push({ topic, from, to, reason: reasonFor(state.util[from], band, goals) });
    role[from] = SOURCE;
    role[to] = TARGET;
    bytesLeft -= state.topicBytes[topic];
    state.place(topic, to);
  }
}

interface Candidate {
  topic: number;
  to: number;
  gain: number;
  bytes: number;
}

function bestMove(
  state: FleetState,
  goals: RebalanceGoals,
  band: UtilisationBand,
  source: number,
  targets: readonly number[],
  bytesLeft: number,
  rng: RandomSource,
): { best?: Candidate; budgetBlocked: boolean } {
  // Hard limits: a move never takes its target above the band (nor headroom) or its source below
  // it, since neither could be undone by a later move of this plan.
  const ceiling = band.hi + GOAL_EPSILON;
  const floor = band.lo - GOAL_EPSILON;
  const margin = goals.tolerance * EDGE_MARGIN_SHARE;
  const softCeiling = band.hi - margin;
  const softFloor = band.lo + margin;
  const sourceBefore = band.penalty(state.util[source]);
  const sourceEdgeBefore = below(state.util[source], softFloor);
  const targetBefore = targets.map((c) => band.penalty(state.util[c]));
  const targetEdgeBefore = targets.map((c) => above(state.util[c], softCeiling));
  let best: Candidate | undefined;
  let ties = 0;
  let budgetBlocked = false;
  for (const t of state.topicsOf[source]) {
    // Topics only ever leave a source, so its start list minus the moved ones is what it holds.
    if (!state.movable[t] || state.topicCluster[t] !== source) continue;
    const sourceAfter = state.utilWith(source, t, -1);
    if (sourceAfter < floor) continue;
    const sourceGain = sourceBefore - band.penalty(sourceAfter);
    const sourceEdge = sourceEdgeBefore - below(sourceAfter, softFloor);
    const bytes = state.topicBytes[t];
    for (let i = 0; i < targets.length; i++) {
      const after = state.utilWith(targets[i], t, 1);
      if (after > ceiling) continue;
      // Only a cut in the violation justifies a move; the edge terms just rank the candidates.
      const cut = sourceGain + targetBefore[i] - band.penalty(after);
      if (cut <= MIN_GAIN) continue;
      if (bytes > bytesLeft) {
        budgetBlocked = true;
        continue;
      }
      const gain = cut + sourceEdge + targetEdgeBefore[i] - above(after, softCeiling);
      const order = best ? compare(gain, bytes, best) : 1;
      if (order < 0) continue;
      if (order > 0) ties = 1;
      // Reservoir choice among exact ties: each tied move is equally likely for a given seed.
      else if (rng.next() * ++ties >= 1) continue;
      best = { topic: t, to: targets[i], gain, bytes };
    }
  }
  return { best, budgetBlocked };
}

function above(u: number, edge: number): number {
  return u > edge ? (u - edge) ** 2 : 0;
}

function below(u: number, edge: number): number {
  return u < edge ? (edge - u) ** 2 : 0;
}

/** > 0 if (gain, bytes) beats `best`, 0 on a tie: more gain first, then fewer bytes. */
function compare(gain: number, bytes: number, best: Candidate): number {
  if (Math.abs(gain - best.gain) > MIN_GAIN) return gain - best.gain;
  return best.bytes - bytes;
}

/** Clusters below the band that may still receive, per constraint group. */
function coldPerGroup(state: FleetState, role: Uint8Array, lo: number): Int32Array {
  const cold = new Int32Array(state.groups.length);
  for (let c = 0; c < state.clusterCount; c++) {
    const mayReceive = state.participant[c] && role[c] !== SOURCE;
    if (mayReceive && state.util[c] < lo - GOAL_EPSILON) cold[state.groupOf[c]]++;
  }
  return cold;
}

/**
 * A move lowers the violation only if its source is above the band or its target below it: between
 * two clusters inside the band nothing can improve. Skipping such sources up front keeps the late
 * steps (a few stragglers left) from scanning every topic of every cluster for nothing.
 */
function canImprove(state: FleetState, source: number, band: UtilisationBand, coldIn: Int32Array): boolean {
  const u = state.util[source];
  if (u > band.hi + GOAL_EPSILON) return true;
  const selfCold = u < band.lo - GOAL_EPSILON ? 1 : 0;
  return coldIn[state.groupOf[source]] - selfCold > 0;
}

function sourcesByHeat(state: FleetState, role: Uint8Array): number[] {
  const sources: number[] = [];
  for (let c = 0; c < state.clusterCount; c++) {
    if (state.participant[c] && role[c] !== TARGET) sources.push(c);
  }
  return sources.sort((a, b) => state.util[b] - state.util[a] || a - b);
}

function coolestTargets(state: FleetState, role: Uint8Array, source: number): number[] {
  const eligible = state.groups[state.groupOf[source]].filter((c) => c !== source && role[c] !== SOURCE);
  eligible.sort((a, b) => state.util[a] - state.util[b] || a - b);
  return eligible.slice(0, TARGETS_PER_STEP);
}

function reasonFor(sourceUtil: number, band: UtilisationBand, goals: RebalanceGoals): IndexedMove['reason'] {
  if (sourceUtil > goals.maxUtilisation + GOAL_EPSILON) return 'source-over-headroom';
  if (sourceUtil > band.mean + goals.tolerance + GOAL_EPSILON) return 'source-above-band';
  return 'target-below-band';
}
