import { z } from 'zod';
import { topicName } from './names';

/**
 * A consumer group id: whatever Kafka accepts (`orders:v2`, `team/indexer`, spaces), so a heartbeat
 * naming a real group is never refused; only control characters are kept out of logs and keys.
 */
export const groupId = z
  .string()
  .min(1)
  .max(255)
  // By code point (0x00-0x1f, 0x7f): these would garble log lines and terminal output.
  .refine(
    (id) => [...id].every((c) => c.charCodeAt(0) > 0x1f && c.charCodeAt(0) !== 0x7f),
    'must not contain control characters',
  );

/** A member of a group on a 2,000-partition topic owns them all: room for that, many times over. */
export const MAX_ASSIGNED_PARTITIONS = 20_000;

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

/** Partitions a member owns of one physical topic: the heartbeat's compact form of an assignment. */
export const assignedPartitions = z
  .object({
    topic: topicName,
    clusterId: z.string().min(1).max(128),
    physicalTopic: z.string().min(1).max(249),
    partitions: z.array(z.number().int().nonnegative()).max(MAX_ASSIGNED_PARTITIONS),
  })
  .strict();

export type AssignedPartitions = z.infer<typeof assignedPartitions>;

const countAssigned = (r: {
  assignment?: readonly unknown[];
  assigned?: ReadonlyArray<{ partitions: readonly number[] }>;
}) => (r.assignment?.length ?? 0) + (r.assigned ?? []).reduce((n, a) => n + a.partitions.length, 0);

/**
 * A partition its member paused at a record that could be neither handled nor dead-lettered: the
 * group goes on with its other partitions, and this one waits for an operator (a dead-letter topic,
 * a new policy, or a resume).
 */
export const heldPartition = assignedPartition
  .extend({ offset: z.string().regex(/^\d{1,20}$/), reason: z.string().max(1024) })
  .strict();
export type HeldPartitionReport = z.infer<typeof heldPartition>;

/** A group report's fields as the service serves them (one entry per partition). */
export const groupReportView = z.object({
  state: z.enum(GROUP_STATES),
  backend: z.enum(['kafkajs', 'rdkafka']),
  /** Whether the backend keeps a restarting member's partitions (`group.instance.id`). */
  staticMembership: z.boolean(),
  assignment: z.array(assignedPartition).max(MAX_ASSIGNED_PARTITIONS),
  rebalancesLastMinute: z.number().int().nonnegative(),
  rebalancesTotal: z.number().int().nonnegative(),
  /** Seconds the member has been waiting for partitions right now (0 when it has some). */
  secondsWithoutAssignment: z.number().nonnegative(),
  storm: z.boolean(),
  /** Optional only for reports of clients older than held partitions. */
  held: z.array(heldPartition).max(MAX_ASSIGNED_PARTITIONS).optional(),
});

/** What a client instance reports about one consumer group it runs (in its heartbeat). */
export const groupReport = groupReportView
  .extend({
    /** One entry per partition (older clients); `assigned` says the same in a tenth of the bytes. */
    assignment: z.array(assignedPartition).max(MAX_ASSIGNED_PARTITIONS).default([]),
    assigned: z.array(assignedPartitions).max(1000).optional(),
  })
  .strict()
  .refine((r) => countAssigned(r) <= MAX_ASSIGNED_PARTITIONS, {
    message: `at most ${MAX_ASSIGNED_PARTITIONS} partitions per member`,
    path: ['assigned'],
  })
  // Stored and served one entry per partition, whichever form the client sent.
  .transform(({ assigned, assignment, ...rest }) => ({
    ...rest,
    assignment: [
      ...assignment,
      ...(assigned ?? []).flatMap(({ partitions, ...where }) =>
        partitions.map((partition) => ({ ...where, partition })),
      ),
    ],
  }));
export type GroupReport = z.infer<typeof groupReport>;
export type GroupReportInput = z.input<typeof groupReport>;

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
  /** Partitions held at a record the group could neither handle nor dead-letter, with their owner. */
  readonly held: Array<HeldPartitionReport & { readonly owner: string }>;
  /**
   * Backends the live members run, sorted. More than one is a mixed group (a backend swap under
   * way, or two apps of different backends sharing a group): it works only where every member
   * speaks `cooperative-sticky` (KafkaJS members of clients older than that take every partition).
   */
  readonly backends: GroupReport['backend'][];
}

export interface GroupSummary {
  readonly id: string;
  readonly paused: boolean;
  readonly memberCount: number;
  readonly states: GroupState[];
  readonly rebalancesLastMinute: number;
  readonly storm: boolean;
  readonly heldPartitions: number;
  /** See `GroupView.backends`. */
  readonly backends: GroupReport['backend'][];
}
