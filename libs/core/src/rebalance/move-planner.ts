import type {
  FleetLoad,
  RebalanceGoals,
  RebalanceGoalsInput,
  RebalanceMode,
  RebalancePlan,
} from '@kafka-fleet/contracts';
import type { RandomSource } from '../random/random-source';
import { planBalance, type IndexedMove, type PlannerOutcome } from './balance-planner';
import { planDrain, type DrainOutcome } from './drain-planner';
import { FleetState, GOAL_EPSILON } from './fleet-state';
import { checkPlanInput } from './plan-input-checks';
import { pruneMoves } from './plan-pruner';
import { scheduleWaves } from './wave-scheduler';

const BALANCE: RebalanceMode = { kind: 'balance' };

/**
 * Proposes topic moves (each one a topic shuffle) that bring the fleet within the goals: in
 * `balance` mode every cluster near the mean utilisation and under headroom, in `drain` mode one
 * cluster emptied. A dry run: nothing here touches a cluster. Pinned topics never move, targets
 * keep the source's region and environment when asked, no move takes a target over headroom, no
 * topic moves twice, and the caps (moves, bytes) hold. Balance plans are pruned to the moves the
 * goals need. The same fleet, goals and random sequence give the same plan.
 *
 * @throws ValidationError for input that would make any plan wrong (see `checkPlanInput`).
 * @example
 * const plan = planRebalance(fleet, { tolerance: 0.1, maxUtilisation: 0.8 }, createSeededRandom(7));
 * plan.moves;   // [{ topic: 'orders', from: 'eu-1', to: 'eu-2', bytes: 5e9, reason: 'source-over-headroom' }]
 * plan.waves;   // [['orders', …], …] — run wave after wave
 * plan.goalsMet; // { spread: true, headroom: true }
 */
export function planRebalance(
  fleet: FleetLoad,
  goals: RebalanceGoalsInput,
  rng: RandomSource,
  mode: RebalanceMode = BALANCE,
): RebalancePlan {
  const checked = checkPlanInput(fleet, goals, mode);
  const state = new FleetState(fleet, checked.goals, checked.mode, checked.pinned);
  const before = Float64Array.from(state.util);
  const spreadBefore = state.stats(before);

  let outcome: PlannerOutcome | DrainOutcome;
  let drained: number | undefined;
  if (checked.mode.kind === 'drain') {
    drained = state.clusterIds.indexOf(checked.mode.cluster);
    outcome = planDrain(state, drained, checked.goals, rng);
  } else {
    const greedy = planBalance(state, checked.goals, rng);
    outcome = { ...greedy, moves: pruneMoves(state, greedy.moves, checked.goals) };
  }
  state.recomputeLoads();
  return assemble(state, checked.goals, checked.mode, before, spreadBefore, outcome, drained);
}

function assemble(
  state: FleetState,
  goals: RebalanceGoals,
  mode: RebalanceMode,
  before: Float64Array,
  spreadBefore: RebalancePlan['spread']['before'],
  outcome: PlannerOutcome | DrainOutcome,
  drained: number | undefined,
): RebalancePlan {
  const moves = outcome.moves.map((m: IndexedMove) => ({
    topic: state.topicNames[m.topic],
    from: state.clusterIds[m.from],
    to: state.clusterIds[m.to],
    bytes: state.topicBytes[m.topic],
    reason: m.reason,
  }));
  const met = state.goalsMet(goals);
  const after = state.stats();
  return {
    mode,
    moves,
    waves: scheduleWaves(moves, goals.maxConcurrentMoves, goals.maxConcurrentMovesPerCluster),
    totals: { moves: moves.length, bytesMoved: moves.reduce((sum, m) => sum + m.bytes, 0) },
    utilisation: state.clusterIds.map((cluster, c) => ({ cluster, before: before[c], after: state.util[c] })),
    spread: { before: spreadBefore, after },
    goalsMet:
      drained === undefined ? met : { ...met, drained: state.topicCluster.every((c) => c !== drained) },
    violations: violations(state, goals, after.mean),
    unplaceable:
      'unplaceable' in outcome
        ? outcome.unplaceable.map((u) => ({
            topic: state.topicNames[u.topic],
            cluster: state.clusterIds[state.topicCluster[u.topic]],
            reason: u.reason,
          }))
        : [],
    stopReason: outcome.stopReason,
  };
}

function violations(state: FleetState, goals: RebalanceGoals, mean: number): RebalancePlan['violations'] {
  const found: RebalancePlan['violations'] = [];
  state.clusterIds.forEach((cluster, c) => {
    if (!state.participant[c]) return;
    const u = state.util[c];
    const violation =
      u > goals.maxUtilisation + GOAL_EPSILON
        ? 'over-headroom'
        : u > mean + goals.tolerance + GOAL_EPSILON
          ? 'above-band'
          : u < mean - goals.tolerance - GOAL_EPSILON
            ? 'below-band'
            : undefined;
    if (violation) found.push({ cluster, utilisation: u, violation });
  });
  return found;
}
