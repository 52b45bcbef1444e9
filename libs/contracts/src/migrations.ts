import { z } from 'zod';
import { resourceId, topicName } from './names';

/** Offsets per partition (partition number as the key, int64 offset as a decimal string). */
export const partitionOffsets = z.record(z.string().regex(/^\d+$/), z.string().regex(/^\d+$/));
export type PartitionOffsets = z.infer<typeof partitionOffsets>;

export const MIGRATION_PHASE_NAMES = [
  'prepare',
  'switch-producers',
  'fence',
  'drain-consumers',
  'complete',
  'done',
  'aborted',
  'failed',
] as const;
export const migrationPhase = z.enum(MIGRATION_PHASE_NAMES);
export type MigrationPhaseName = z.infer<typeof migrationPhase>;

/** What an operator sends to start a shuffle. */
export const migrationInput = z
  .object({
    targetClusterId: resourceId,
    /** Defaults to the source's physical name, or a fresh `<logical>.e<epoch>` when that name is taken on the target. */
    targetPhysicalTopic: topicName.optional(),
    /**
     * Phases at which the orchestrator stops before doing the phase's work, until `resume`: lets an
     * SRE step through a shuffle (and lets tests kill the service inside a phase on purpose).
     */
    holdAt: z.array(migrationPhase).max(8).default([]),
  })
  .strict();
export type MigrationInput = z.input<typeof migrationInput>;

export const physicalPlace = z.object({ clusterId: resourceId, physicalTopic: topicName }).strict();

/**
 * The part of a running shuffle that clients route by; it is embedded in the topic entity so that
 * the topic, its epoch and its migration state always change in one atomic write.
 */
export const topicMigration = z.object({
  id: z.string(),
  phase: migrationPhase,
  /** Where the topic was: consumer groups not yet drained keep reading it, up to `fence`. */
  source: physicalPlace,
  /**
   * Where the topic is going: clients open their connection to it while the shuffle prepares, so
   * the switch does not wait for one. Optional only for shuffles started before it was recorded.
   */
  target: physicalPlace.optional(),
  epochFrom: z.number().int().positive(),
  /** The source era's own floor (it may itself have been the target of an earlier shuffle). */
  sourceFloor: partitionOffsets.optional(),
  /** Source end offsets once every live producer moved: nothing at or past them belongs to the source era. */
  fence: partitionOffsets.optional(),
  /** Groups whose committed offsets reached the fence: they consume the new placement. */
  drainedGroups: z.array(z.string()).default([]),
});
export type TopicMigration = z.infer<typeof topicMigration>;

/**
 * An earlier placement of a logical topic, kept after its shuffle completed for as long as its
 * records are retained: a group whose committed offsets there are below `fence` (it was offline
 * during the drain) reads it up to the fence before it moves on. Removed by retiring it.
 */
export const topicEra = z.object({
  epoch: z.number().int().positive(),
  clusterId: resourceId,
  physicalTopic: topicName,
  /** Below it lies an even earlier era (already swept or read). */
  floor: partitionOffsets.optional(),
  /** Nothing of this era is at or past it (the broker fence held since). */
  fence: partitionOffsets,
  /** The shuffle that ended it. */
  migrationId: z.string(),
  endedAt: z.string(),
});
export type TopicEra = z.infer<typeof topicEra>;

export interface MigrationPhaseEntry {
  readonly phase: MigrationPhaseName;
  readonly enteredAt: number;
}

export interface SweepReport {
  readonly records: number;
  /**
   * Per partition: copied from `from` (the fence) up to, not including, `to`; `records` copied
   * there (absent in records stored before it was kept per partition).
   */
  readonly partitions: Array<{ partition: number; from: string; to: string; records?: number }>;
}

/** A shuffle as the service stores and reports it. */
export interface Migration {
  readonly id: string;
  readonly topic: string;
  readonly source: z.infer<typeof physicalPlace>;
  readonly target: z.infer<typeof physicalPlace>;
  readonly phase: MigrationPhaseName;
  readonly history: readonly MigrationPhaseEntry[];
  readonly holdAt: MigrationPhaseName[];
  readonly held: boolean;
  readonly epochFrom: number;
  readonly epochTo: number;
  readonly sourceFloor?: PartitionOffsets;
  readonly partitions: number;
  /** Target end offsets when it was prepared: the new placement's floor. */
  readonly startOffsets?: PartitionOffsets;
  /**
   * What groups drain to and what bounds the source's era: the fenced source's end offsets, lowered
   * (once a drain waited, or before groups are left behind) to the offset after the last record a
   * read-committed consumer gets, where a partition ends with transaction markers or aborted records.
   */
  readonly fence?: PartitionOffsets;
  /** The fenced source's end offsets, kept once `fence` was judged by the tail: the sweep starts there. */
  readonly fenceEnd?: PartitionOffsets;
  readonly producersPending: string[];
  readonly producersAcknowledged: string[];
  readonly groups: string[];
  readonly groupsDrained: string[];
  /**
   * Groups with committed offsets below the fence and no live member when the shuffle completed
   * (after the grace period): the source stays an era of the topic, and when they come back they
   * read it up to the fence before moving on.
   */
  readonly groupsOffline?: string[];
  readonly sweep?: SweepReport;
  readonly startedBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastError?: string;
  /** Milliseconds spent per phase so far. */
  readonly phaseDurationsMs?: Partial<Record<MigrationPhaseName, number>>;
}
