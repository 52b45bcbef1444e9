import {
  app,
  cluster,
  GROUP_STATES,
  groupReportView,
  heldPartition,
  heartbeatInput,
  migrationPhase,
  partitionOffsets,
  physicalPlace,
  PLAN_MOVE_STATUSES,
  PLAN_STATUSES,
  rebalancePlan,
  topic,
  type AuditEntry,
  type GroupControl,
  type GroupSummary,
  type GroupView,
  type InstanceView,
  type Migration,
  type ResolvedTopic,
} from '@kafka-fleet/contracts';
import { z } from 'zod';

/**
 * Response shapes, built from the contracts wherever the contracts have a schema, and checked
 * against the contract interfaces where they only have a type. `.loose()` everywhere: a newer
 * service adding a field must not break an older CLI.
 */
export const clusterResponse = cluster.loose();
export const topicResponse = topic.loose();
export const appResponse = app.loose();

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string() });

export const instanceView = heartbeatInput
  .extend({ lastSeenAt: z.string(), expiresAt: z.string(), lagging: z.array(z.string()) })
  .loose() satisfies z.ZodType<InstanceView>;

export const auditEntry = z
  .object({
    id: z.string(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    kind: z.string(),
    entity: z.string(),
    version: z.number(),
    detail: z.record(z.string(), z.unknown()).optional(),
  })
  .loose() satisfies z.ZodType<AuditEntry>;

export const resolvedTopic = z
  .object({
    topic: z.string(),
    clusterId: z.string(),
    physicalTopic: z.string(),
    bootstrapServers: z.array(z.string()),
    epoch: z.number(),
    partitions: z.number(),
    state: z.enum(['stable', 'migrating']),
    version: z.number(),
  })
  .loose() satisfies z.ZodType<ResolvedTopic & { version: number }>;

export const partitionMetadata = z
  .object({
    topic: z.string(),
    clusterId: z.string(),
    physicalTopic: z.string(),
    syncedAt: z.string(),
    partitions: z.array(
      z
        .object({
          partition: z.number(),
          leader: z.number(),
          replicas: z.array(z.number()),
          isr: z.array(z.number()),
          offlineReplicas: z.array(z.number()).default([]),
          earliestOffset: z.string(),
          latestOffset: z.string(),
        })
        .loose(),
    ),
  })
  .loose();

export const syncResult = z
  .object({
    clusterId: z.string(),
    outcome: z.enum(['ok', 'error']),
    topics: z.number(),
    syncedAt: z.string(),
    error: z.string().optional(),
  })
  .loose();

/** A shuffle as the service reports it (`Migration` in the contracts, which only has a type). */
export const migration = z
  .object({
    id: z.string(),
    topic: z.string(),
    source: physicalPlace,
    target: physicalPlace,
    phase: migrationPhase,
    history: z.array(z.object({ phase: migrationPhase, enteredAt: z.number() })),
    holdAt: z.array(migrationPhase),
    held: z.boolean(),
    epochFrom: z.number(),
    epochTo: z.number(),
    sourceFloor: partitionOffsets.optional(),
    partitions: z.number(),
    startOffsets: partitionOffsets.optional(),
    fence: partitionOffsets.optional(),
    producersPending: z.array(z.string()),
    producersAcknowledged: z.array(z.string()),
    groups: z.array(z.string()),
    groupsDrained: z.array(z.string()),
    sweep: z
      .object({
        records: z.number(),
        partitions: z.array(z.object({ partition: z.number(), from: z.string(), to: z.string() })),
      })
      .optional(),
    startedBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    lastError: z.string().optional(),
    phaseDurationsMs: z.partialRecord(migrationPhase, z.number()).optional(),
  })
  .loose() satisfies z.ZodType<Migration>;

/** An earlier placement of a topic and where every group Kafka knows there stands on it. */
export const eraView = z
  .object({
    epoch: z.number(),
    clusterId: z.string(),
    physicalTopic: z.string(),
    fence: partitionOffsets,
    endedAt: z.string(),
    groups: z.array(
      z.object({
        group: z.string(),
        standing: z.enum(['never-read', 'passed', 'behind']),
        unread: z.string(),
      }),
    ),
  })
  .loose();
export type EraView = z.infer<typeof eraView>;

export const eraRetirement = z
  .object({
    retired: z.object({ epoch: z.number(), clusterId: z.string(), physicalTopic: z.string() }).loose(),
    deletedTopic: z.boolean(),
    groupsBehind: z.array(z.object({ group: z.string(), unread: z.string() }).loose()),
  })
  .loose();

export const groupControl = z
  .object({
    id: z.string(),
    paused: z.boolean(),
    version: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .loose() satisfies z.ZodType<GroupControl>;

export const groupSummary = z
  .object({
    id: z.string(),
    paused: z.boolean(),
    memberCount: z.number(),
    states: z.array(z.enum(GROUP_STATES)),
    rebalancesLastMinute: z.number(),
    storm: z.boolean(),
    heldPartitions: z.number().default(0),
    backends: z.array(z.enum(['kafkajs', 'rdkafka'])).default([]),
  })
  .loose() satisfies z.ZodType<GroupSummary>;

export const groupView = z
  .object({
    id: z.string(),
    paused: z.boolean(),
    members: z.array(
      z
        .object({
          instanceId: z.string(),
          app: z.string(),
          host: z.string(),
          report: groupReportView.loose(),
        })
        .loose(),
    ),
    partitions: z.array(
      z
        .object({
          topic: z.string(),
          clusterId: z.string(),
          physicalTopic: z.string(),
          partition: z.number(),
          committed: z.string().nullable(),
          end: z.string(),
          lag: z.number(),
          owner: z.string().optional(),
        })
        .loose(),
    ),
    totalLag: z.number(),
    rebalancesLastMinute: z.number(),
    storm: z.boolean(),
    // A service older than held partitions sends none.
    held: z.array(heldPartition.extend({ owner: z.string() }).loose()).default([]),
    backends: z.array(z.enum(['kafkajs', 'rdkafka'])).default([]),
  })
  .loose() satisfies z.ZodType<GroupView>;

export const principal = z.object({ name: z.string(), role: z.string(), app: z.string().optional() }).loose();

export const readiness = z.object({ status: z.string(), redis: z.boolean(), kafka: z.boolean() }).loose();

export type ClusterView = z.infer<typeof clusterResponse>;
export type TopicView = z.infer<typeof topicResponse>;
export type AppView = z.infer<typeof appResponse>;
export type InstanceRow = z.infer<typeof instanceView>;
export type AuditRow = z.infer<typeof auditEntry>;
export type ResolvedView = z.infer<typeof resolvedTopic>;
export type PartitionMetadata = z.infer<typeof partitionMetadata>;
export type SyncResultView = z.infer<typeof syncResult>;
export type MigrationView = z.infer<typeof migration>;

export type GroupSummaryView = z.infer<typeof groupSummary>;
export type GroupDetailView = z.infer<typeof groupView>;
export type PrincipalView = z.infer<typeof principal>;
export type Readiness = z.infer<typeof readiness>;

/** A stored rebalance plan: the planner's output plus per-move progress. */
export const rebalancePlanResponse = z
  .object({
    id: z.string(),
    status: z.enum(PLAN_STATUSES),
    plan: rebalancePlan.loose(),
    moves: z.array(
      z
        .object({
          topic: z.string(),
          from: z.string(),
          to: z.string(),
          wave: z.number().int(),
          status: z.enum(PLAN_MOVE_STATUSES),
          migrationId: z.string().optional(),
          reason: z.string().optional(),
        })
        .loose(),
    ),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .loose();
export type RebalancePlanView = z.infer<typeof rebalancePlanResponse>;
