import { z } from 'zod';
import { resourceId, topicName } from './names';

/**
 * Fleet-level rebalance: the load model the planner reads, the request an SRE sends for a dry-run
 * plan, and the plan it gets back. Loads are per second or in bytes (units in the field names);
 * utilisation is a fraction of capacity (0.8 = 80 %).
 */

const amount = z.number().finite().nonnegative();
const limit = z.number().finite().positive('must be greater than 0');

/** What one cluster can carry; every dimension must be positive, or utilisation is undefined. */
export const clusterCapacity = z
  .object({ bytesInPerSec: limit, bytesOutPerSec: limit, storageBytes: limit, partitions: limit })
  .strict();
export type ClusterCapacity = z.infer<typeof clusterCapacity>;

export const clusterLoad = z
  .object({
    id: resourceId,
    region: z.string().min(1).max(64),
    environment: z.string().min(1).max(32),
    capacity: clusterCapacity,
    /** A draining cluster receives no topics and takes no part in balancing. @default false */
    draining: z.boolean().optional(),
  })
  .strict();
export type ClusterLoad = z.infer<typeof clusterLoad>;

/** One logical topic where it lives now, with its measured load. */
export const topicLoad = z
  .object({
    name: topicName,
    cluster: resourceId,
    partitions: z.number().int().positive(),
    bytesInPerSec: amount,
    bytesOutPerSec: amount,
    storageBytes: amount,
    /** A pinned topic never moves. @default false */
    pinned: z.boolean().optional(),
  })
  .strict();
export type TopicLoad = z.infer<typeof topicLoad>;

export const fleetLoad = z.object({ clusters: z.array(clusterLoad), topics: z.array(topicLoad) }).strict();
export type FleetLoad = z.infer<typeof fleetLoad>;

/**
 * Keeps `topic` where it is. The cluster is stated so a pin written against an outdated view of
 * the fleet (the topic has moved since) is rejected instead of silently meaning something else.
 */
export const topicPin = z.object({ topic: topicName, cluster: resourceId }).strict();
export type TopicPin = z.infer<typeof topicPin>;

export const rebalanceGoals = z
  .object({
    /** Every cluster within ± this many utilisation points of the fleet mean. @default 0.1 */
    tolerance: z.number().min(0).max(1).default(0.1),
    /** Headroom: no move may take a cluster above this utilisation. @default 0.8 */
    maxUtilisation: z.number().gt(0).max(1).default(0.8),
    /** Budget of retained bytes the whole plan may relocate. @default unlimited */
    maxBytesMoved: amount.optional(),
    /** @default unlimited */
    maxMoves: z.number().int().nonnegative().optional(),
    /** Moves executed at once: the size of one wave. @default 4 */
    maxConcurrentMoves: z.number().int().positive().default(4),
    /** Moves one cluster takes part in (as source or target) within one wave. @default 2 */
    maxConcurrentMovesPerCluster: z.number().int().positive().default(2),
    /** Targets share the source cluster's region. @default true */
    sameRegion: z.boolean().default(true),
    /** Targets share the source cluster's environment. @default true */
    sameEnvironment: z.boolean().default(true),
    pinned: z.array(topicPin).default([]),
  })
  .strict();
export type RebalanceGoalsInput = z.input<typeof rebalanceGoals>;
export type RebalanceGoals = z.infer<typeof rebalanceGoals>;

export const rebalanceMode = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('balance') }).strict(),
  z.object({ kind: z.literal('drain'), cluster: resourceId }).strict(),
]);
export type RebalanceMode = z.infer<typeof rebalanceMode>;

export const rebalancePlanRequest = z
  .object({
    mode: rebalanceMode.default({ kind: 'balance' }),
    // prefault: an absent `goals` is parsed as `{}`, so every goal takes its own default.
    goals: rebalanceGoals.prefault({}),
    /** Breaks ties between equally good moves; the same seed and fleet give the same plan. @default 0 */
    seed: z.number().int().min(0).max(0xffffffff).default(0),
  })
  .strict();
export type RebalancePlanRequestInput = z.input<typeof rebalancePlanRequest>;
export type RebalancePlanRequest = z.infer<typeof rebalancePlanRequest>;

export const MOVE_REASONS = [
  'drain',
  'source-over-headroom',
  'source-above-band',
  'target-below-band',
] as const;
export const plannedMove = z
  .object({
    topic: topicName,
    from: resourceId,
    to: resourceId,
    /** Retained bytes the move relocates (the topic's storage): what `maxBytesMoved` budgets. */
    bytes: amount,
    reason: z.enum(MOVE_REASONS),
  })
  .strict();
export type PlannedMove = z.infer<typeof plannedMove>;

export const UNPLACEABLE_REASONS = [
  'pinned',
  'no-eligible-target',
  'no-headroom',
  'max-moves',
  'max-bytes-moved',
] as const;
export const unplaceableTopic = z
  .object({ topic: topicName, cluster: resourceId, reason: z.enum(UNPLACEABLE_REASONS) })
  .strict();
export type UnplaceableTopic = z.infer<typeof unplaceableTopic>;

export const spreadStats = z
  .object({ mean: z.number(), maxMinusMin: z.number(), stddev: z.number() })
  .strict();
export type SpreadStats = z.infer<typeof spreadStats>;

export const CLUSTER_VIOLATIONS = ['over-headroom', 'above-band', 'below-band'] as const;

/**
 * Why planning stopped: the balance goals were met, the drained cluster is empty, a cap was
 * reached, or nothing more could be done.
 */
export const STOP_REASONS = [
  'goals-met',
  'drained',
  'max-moves',
  'max-bytes-moved',
  'no-improving-move',
  'unplaceable-topics',
] as const;
export type StopReason = (typeof STOP_REASONS)[number];

export const rebalancePlan = z
  .object({
    mode: rebalanceMode,
    moves: z.array(plannedMove),
    /** Topic names per wave, in execution order; a wave's moves run concurrently. */
    waves: z.array(z.array(topicName)),
    totals: z.object({ moves: z.number().int(), bytesMoved: amount }).strict(),
    utilisation: z.array(z.object({ cluster: resourceId, before: z.number(), after: z.number() }).strict()),
    /** Over the clusters that take part in balancing (not draining, not being drained). */
    spread: z.object({ before: spreadStats, after: spreadStats }).strict(),
    goalsMet: z
      .object({ spread: z.boolean(), headroom: z.boolean(), drained: z.boolean().optional() })
      .strict(),
    /** Clusters the plan leaves outside the goals, and how. */
    violations: z.array(
      z
        .object({ cluster: resourceId, utilisation: z.number(), violation: z.enum(CLUSTER_VIOLATIONS) })
        .strict(),
    ),
    /** Topics a drain could not move, each with the reason. Never dropped silently. */
    unplaceable: z.array(unplaceableTopic),
    stopReason: z.enum(STOP_REASONS),
  })
  .strict();
export type RebalancePlan = z.infer<typeof rebalancePlan>;
