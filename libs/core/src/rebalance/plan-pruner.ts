import type { RebalanceGoals } from '@kafka-fleet/contracts';
import type { IndexedMove } from './balance-planner';
import type { FleetState } from './fleet-state';

/**
 * Drops every move the goals do not need. Greedy steps taken early can be made redundant by later
 * ones (a hot cluster relieved twice over), and each surplus move is a shuffle an SRE would run for
 * nothing. A move goes if, without it, no goal that was met becomes unmet and the violation does
 * not grow. Biggest moves are tried first, so what remains moves the fewest bytes; passes repeat
 * until none can go, because dropping one move can make another droppable.
 *
 * `state` holds the plan applied on entry and the pruned plan applied on return.
 */
export function pruneMoves(
  state: FleetState,
  moves: readonly IndexedMove[],
  goals: RebalanceGoals,
): IndexedMove[] {
  const kept = new Set(moves);
  const order = [...moves].sort((a, b) => state.topicBytes[b.topic] - state.topicBytes[a.topic]);
  for (let changed = true; changed;) {
    changed = false;
    for (const move of order) {
      if (!kept.has(move)) continue;
      const met = state.goalsMet(goals);
      const violation = state.violation(goals);
      state.place(move.topic, move.from);
      const without = state.goalsMet(goals);
      const worse =
        (met.spread && !without.spread) ||
        (met.headroom && !without.headroom) ||
        state.violation(goals) > violation;
      if (worse) state.place(move.topic, move.to);
      else {
        kept.delete(move);
        changed = true;
      }
    }
  }
  return moves.filter((m) => kept.has(m));
}
