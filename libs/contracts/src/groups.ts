import { z } from 'zod';
import { topicName } from './names';

/** A consumer group id as the service stores it (Kafka allows more; ours stay URL- and log-safe). */
export const groupId = z
  .string()
  .min(1)
  .max(249)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits and . _ - only');

export const GROUP_STATES = ['stable', 'rebalancing', 'paused'] as const;
export type GroupState = (typeof GROUP_STATES)[number];

/** One partition a member owns, named both ways: what the app reads and where it really is. */
export const assignedPartition = z
  .object({
    topic: topicName,
    clusterId: z.string().min(1).max(128),
    physicalTopic: z.string().min(1).max(249),
    partition: z.number().int().nonnegative(),
  })
  .strict();
export type AssignedPartition = z.infer<typeof assignedPartition>;

/** What a client instance reports about one consumer group it runs (in its heartbeat). */
export const groupReport = z
  .object({
    state: z.enum(GROUP_STATES),
    backend: z.enum(['kafkajs', 'rdkafka']),
    /** Whether the backend keeps a restarting member's partitions (`group.instance.id`). */
    staticMembership: z.boolean(),
    assignment: z.array(assignedPartition).max(10_000),
    rebalancesLastMinute: z.number().int().nonnegative(),
    rebalancesTotal: z.number().int().nonnegative(),
    /** Seconds the member has been waiting for partitions right now (0 when it has some). */
    secondsWithoutAssignment: z.number().nonnegative(),
    storm: z.boolean(),
  })
  .strict();
export type GroupReport = z.infer<typeof groupReport>;

/** The operator-set state of a group (stored; reaches clients through snapshots and the watch stream). */
export interface GroupControl {
  readonly id: string;
  readonly paused: boolean;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface GroupMemberView {
  readonly instanceId: string;
  readonly app: string;
  readonly host: string;
  readonly report: GroupReport;
}

export interface GroupPartitionLag {
  readonly topic: string;
  readonly clusterId: string;
  readonly physicalTopic: string;
  readonly partition: number;
  /** Next offset the group will read, or null when it has committed nothing there. */
  readonly committed: string | null;
  readonly end: string;
  readonly lag: number;
  /** Instance owning the partition, as reported by clients. */
  readonly owner?: string;
}

export interface GroupView {
  readonly id: string;
  readonly paused: boolean;
  readonly members: GroupMemberView[];
  readonly partitions: GroupPartitionLag[];
  readonly totalLag: number;
  readonly rebalancesLastMinute: number;
  readonly storm: boolean;
}

export interface GroupSummary {
  readonly id: string;
  readonly paused: boolean;
  readonly memberCount: number;
  readonly states: GroupState[];
  readonly rebalancesLastMinute: number;
  readonly storm: boolean;
}
