import type { RebalanceGoals, UnplaceableTopic } from '@kafka-fleet/contracts';
import type { RandomSource } from '../random/random-source';
import type { IndexedMove, PlannerOutcome } from './balance-planner';
import { DIMENSION_COUNT } from './load-model';
import { GOAL_EPSILON, type FleetState } from './fleet-state';

export interface DrainOutcome extends PlannerOutcome {
  readonly unplaceable: Array<{ topic: number; reason: UnplaceableTopic['reason'] }>;
}

/**
 * Moves every topic off `drained`. Biggest topics are placed first, while the fleet still has the
 * most room for them (the decreasing order of bin-packing heuristics); each goes to the eligible
 * cluster left least utilised by it (worst fit), so the drained load spreads instead of piling onto
 * one neighbour. A topic that cannot go anywhere is reported with the reason, never left out
 * silently. Only targets gain load, so every intermediate state of the drain is within headroom.
 */
export function planDrain(
  state: FleetState,
  drained: number,
  goals: RebalanceGoals,
  rng: RandomSource,
): DrainOutcome {
  const moves: IndexedMove[] = [];
  const unplaceable: DrainOutcome['unplaceable'] = [];
  const maxMoves = goals.maxMoves ?? Infinity;
  let bytesLeft = goals.maxBytesMoved ?? Infinity;
  const targets = state.groups[state.groupOf[drained]].filter((c) => c !== drained);
  const size = relativeSize(state, state.topicsOf[drained], targets);
  const topics = [...state.topicsOf[drained]].sort(
    (a, b) => size[b] - size[a] || (state.topicNames[a] < state.topicNames[b] ? -1 : 1),
  );
  for (const topic of topics) {
    const reason = blocker(state, topic, targets, moves.length >= maxMoves, bytesLeft);
    const to = reason ? -1 : leastUtilisedAfter(state, topic, targets, goals, rng);
    if (reason || to < 0) {
      unplaceable.push({ topic, reason: reason ?? 'no-headroom' });
      continue;
    }
    moves.push({ topic, from: drained, to, reason: 'drain' });
    bytesLeft -= state.topicBytes[topic];
    state.place(topic, to);
  }
  const reasons = new Set(unplaceable.map((u) => u.reason));
  const stopReason =
    unplaceable.length === 0
      ? 'drained'
      : reasons.has('max-moves')
        ? 'max-moves'
        : reasons.has('max-bytes-moved')
          ? 'max-bytes-moved'
          : 'unplaceable-topics';
  return { moves, unplaceable, stopReason };
}

function blocker(
  state: FleetState,
  topic: number,
  targets: readonly number[],
  movesExhausted: boolean,
  bytesLeft: number,
): UnplaceableTopic['reason'] | undefined {
  if (!state.movable[topic]) return 'pinned';
  if (targets.length === 0) return 'no-eligible-target';
  if (movesExhausted) return 'max-moves';
  if (state.topicBytes[topic] > bytesLeft) return 'max-bytes-moved';
  return undefined;
}

/** The target with the lowest utilisation after taking `topic` within headroom, or -1. */
function leastUtilisedAfter(
  state: FleetState,
  topic: number,
  targets: readonly number[],
  goals: RebalanceGoals,
  rng: RandomSource,
): number {
  let best = -1;
  let bestUtil = Infinity;
  let ties = 0;
  for (const c of targets) {
    const after = state.utilWith(c, topic, 1);
    if (after > goals.maxUtilisation + GOAL_EPSILON || after > bestUtil) continue;
    if (after < bestUtil) ties = 1;
    else if (rng.next() * ++ties >= 1) continue;
    best = c;
    bestUtil = after;
  }
  return best;
}

/** Each drained topic's largest share, over the dimensions, of the targets' combined capacity. */
function relativeSize(
  state: FleetState,
  topics: readonly number[],
  targets: readonly number[],
): Float64Array {
  const totalCapacity = new Float64Array(DIMENSION_COUNT);
  for (const c of targets) {
    for (let d = 0; d < DIMENSION_COUNT; d++) totalCapacity[d] += state.capacity[c * DIMENSION_COUNT + d];
  }
  const size = new Float64Array(state.topicNames.length);
  if (targets.length === 0) return size;
  for (const t of topics) {
    for (let d = 0; d < DIMENSION_COUNT; d++) {
      size[t] = Math.max(size[t], state.topicLoad[t * DIMENSION_COUNT + d] / totalCapacity[d]);
    }
  }
  return size;
}
