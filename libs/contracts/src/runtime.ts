import { z } from 'zod';
import type { MigrationPhaseName, PartitionOffsets } from './migrations';
import { groupId, groupReport } from './groups';
import { backend, clusterSecurity, type HandlerFailures } from './resources';
import { resourceId, topicName } from './names';

/** A client instance's heartbeat: its lease is renewed for `leaseMs` (bounded by the service). */
export const heartbeatInput = z
  .object({
    instanceId: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only'),
    app: resourceId,
    host: z.string().min(1).max(255),
    backend,
    configVersion: z.number().int().nonnegative(),
    appliedEpochs: z.record(topicName, z.number().int().nonnegative()).default({}),
    /** Epoch each producer lane has switched to (after draining its in-flight sends): what the shuffle waits for. */
    producerEpochs: z.record(topicName, z.number().int().nonnegative()).default({}),
    /** Consumer groups this instance runs, per logical topic: the groups a shuffle must drain. */
    consumerGroups: z.record(topicName, z.array(z.string().min(1).max(255)).max(100)).default({}),
    /** State of each consumer group this instance runs: assignment, rebalances, storm. */
    groupStates: z.record(groupId, groupReport).default({}),
    effectiveConfig: z
      .record(z.string().max(128), z.union([z.string().max(256), z.number(), z.boolean()]))
      .default({}),
    /** Produce/consume rates per logical topic, used by the rebalance planner. */
    rates: z
      .record(
        topicName,
        z.object({
          produceBytesPerSec: z.number().nonnegative(),
          consumeBytesPerSec: z.number().nonnegative(),
        }),
      )
      .default({}),
    leaseMs: z.number().int().min(1000).max(300_000).default(30_000),
  })
  .strict();
export type HeartbeatInput = z.input<typeof heartbeatInput>;
export type Heartbeat = z.infer<typeof heartbeatInput>;

export interface InstanceView extends Heartbeat {
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  /** Topics whose applied epoch is behind the current routing epoch. */
  readonly lagging: string[];
}

export interface ResolvedTopic {
  readonly topic: string;
  readonly clusterId: string;
  readonly physicalTopic: string;
  readonly bootstrapServers: string[];
  readonly epoch: number;
  readonly partitions: number;
  readonly state: 'stable' | 'migrating';
  /** The placement's era floor: records below it belong to an earlier era and are never delivered. */
  readonly floor?: PartitionOffsets;
  readonly migration?: SnapshotMigration;
  /** Earlier placements a group that was away may still have to read up to their fence, oldest first. */
  readonly eras?: SnapshotEra[];
}

export interface SnapshotEra {
  readonly epoch: number;
  readonly clusterId: string;
  readonly physicalTopic: string;
  readonly bootstrapServers: string[];
  readonly floor?: PartitionOffsets;
  readonly fence: PartitionOffsets;
}

/** A running shuffle as a client needs it: where the source is, its fence, and who has moved on. */
export interface SnapshotMigration {
  readonly id: string;
  readonly phase: MigrationPhaseName;
  readonly source: {
    readonly clusterId: string;
    readonly physicalTopic: string;
    readonly bootstrapServers: string[];
  };
  /** Where the topic is going (a registered cluster): see `TopicMigration.target`. */
  readonly target?: {
    readonly clusterId: string;
    readonly physicalTopic: string;
    readonly bootstrapServers: string[];
  };
  readonly epochFrom: number;
  readonly sourceFloor?: PartitionOffsets;
  readonly fence?: PartitionOffsets;
  readonly drainedGroups: string[];
}

export interface SnapshotTopic extends ResolvedTopic {
  readonly produce: boolean;
  readonly consume: boolean;
  readonly backend: z.infer<typeof backend>;
}

export interface SnapshotCluster {
  readonly id: string;
  readonly bootstrapServers: string[];
  readonly security: z.infer<typeof clusterSecurity>;
  readonly status: string;
}

/** Everything one application needs to route, as of `version` (the global config version). */
export interface AppSnapshot {
  readonly app: string;
  readonly version: number;
  readonly backend: z.infer<typeof backend>;
  readonly configOverrides: Record<string, string | number | boolean>;
  /** Optional only for snapshots saved before handler failures had a policy (defaults then apply). */
  readonly handlerFailures?: HandlerFailures;
  readonly topics: SnapshotTopic[];
  readonly clusters: SnapshotCluster[];
  /**
   * Consumer groups an operator paused: their members stop fetching until resumed. Optional only
   * for snapshots saved before groups could be paused.
   */
  readonly pausedGroups?: string[];
}

export const CHANGE_KINDS = ['cluster', 'topic', 'app', 'group'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** One entry of the change feed. Carries names, never content: clients refetch what they need. */
export interface ChangeEvent {
  readonly version: number;
  readonly kind: ChangeKind;
  readonly id: string;
  readonly op: 'create' | 'update' | 'delete';
  readonly at: string;
}

export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly kind: string;
  readonly entity: string;
  readonly version: number;
  readonly detail?: Record<string, unknown>;
}

export interface FieldIssue {
  readonly path: string;
  readonly reason: string;
}

/** Every 4xx/5xx body. No stack traces, ever. */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly retriable: boolean;
    readonly fields?: FieldIssue[];
    readonly currentVersion?: number;
  };
}
