import type { ClusterCapacity, TopicLoad } from '@kafka-fleet/contracts';

export type {
  ClusterCapacity,
  ClusterLoad,
  FleetLoad,
  RebalanceGoals,
  RebalanceGoalsInput,
  RebalanceMode,
  RebalancePlan,
  PlannedMove,
  SpreadStats,
  TopicLoad,
  TopicPin,
  UnplaceableTopic,
} from '@kafka-fleet/contracts';

/** The resources a topic consumes on its cluster, in the order the planner's arrays use. */
export const LOAD_DIMENSIONS = ['bytesInPerSec', 'bytesOutPerSec', 'storageBytes', 'partitions'] as const;
export type LoadDimension = (typeof LOAD_DIMENSIONS)[number];
export const DIMENSION_COUNT = LOAD_DIMENSIONS.length;

/**
 * Utilisation of a cluster: the *maximum* over the dimensions of load / capacity.
 *
 * Why the max and not a weighted mean: a cluster is full as soon as any one resource is — disks at
 * 100 % reject writes however idle the network is, and a weighted mean would call that cluster
 * half-empty and send it more data. The max also makes headroom one number: "utilisation ≤ 0.8"
 * is exactly "every dimension ≤ 80 %", which is the promise SREs need from the plan.
 *
 * @example
 * utilisation([50, 10, 900, 20], [100, 100, 1000, 100]); // 0.9 — storage decides
 */
export function utilisation(load: ArrayLike<number>, capacity: ArrayLike<number>): number {
  let max = 0;
  for (let d = 0; d < DIMENSION_COUNT; d++) {
    const u = load[d] / capacity[d];
    if (u > max) max = u;
  }
  return max;
}

export function capacityVector(capacity: ClusterCapacity): number[] {
  return LOAD_DIMENSIONS.map((d) => capacity[d]);
}

export function loadVector(topic: TopicLoad): number[] {
  return LOAD_DIMENSIONS.map((d) => topic[d]);
}

/**
 * Bytes a move relocates: the topic's retained data. It is what the target's disks must absorb
 * and what an SRE budgets with `maxBytesMoved`; traffic rates move with the producers for free.
 */
export function moveBytes(topic: TopicLoad): number {
  return topic.storageBytes;
}
