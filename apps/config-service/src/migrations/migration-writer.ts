import { Injectable } from '@nestjs/common';
import type { Migration, MigrationPhaseName, Topic, TopicMigration } from '@kafka-fleet/contracts';
import { ConflictError, TERMINAL_PHASES, transition } from '@kafka-fleet/core';
import { ServiceMetrics } from '../metrics/service-metrics';
import { FleetKeys } from '../storage/fleet-keys';
import { FleetRepository, type IndexOp } from '../storage/fleet.repository';
import { nextRevision, type StoredMigration } from '../storage/migration.repository';
import { RedisReplication } from '../storage/redis-replication';
import { stamp } from '../storage/stamp';

export interface PhaseChange {
  /** Routing changes to the topic made in the same step (placement, epoch, floor…). */
  readonly topic?: Partial<Topic>;
  readonly record?: Partial<Migration>;
  readonly indexOps?: IndexOp[];
  readonly detail?: Record<string, unknown>;
  /**
   * The orchestrator's lease owner the change is made under: the write is refused
   * (LeaseLostError) unless that owner still holds the shuffle's lease. An operator's change
   * (abort) has none and is checked by the topic's version alone.
   */
  readonly leaseOwner?: string;
}

/** The client-facing part of a shuffle, embedded in the topic. */
export function topicMigrationOf(m: Migration): TopicMigration {
  return {
    id: m.id,
    phase: m.phase,
    source: m.source,
    target: m.target,
    epochFrom: m.epochFrom,
    ...(m.sourceFloor ? { sourceFloor: m.sourceFloor } : {}),
    ...(m.fence ? { fence: m.fence } : {}),
    drainedGroups: [...m.groupsDrained],
  };
}

/**
 * The shuffle record after entering `to` (or, with `to` equal to its phase, after a change within
 * it). A step error that was retried away is not the shuffle's `lastError` once a later step
 * succeeded: a done shuffle must not report a failure it got over.
 */
export function recordEntering(
  m: StoredMigration,
  to: MigrationPhaseName,
  changes: Partial<Migration> = {},
  now: number,
): StoredMigration {
  // Staying in the phase (a group drained, say) changes routing without a transition.
  const moved = to === m.phase ? m : transition(m, to, now);
  return nextRevision(m, {
    ...(to === m.phase ? {} : { lastError: undefined }),
    ...changes,
    phase: moved.phase,
    history: [...moved.history],
    // A hold means nothing once the shuffle has ended (aborted while held, say).
    ...(TERMINAL_PHASES.includes(to) ? { held: false } : {}),
  });
}

/**
 * Every phase change is one atomic write of the topic (what clients route by), the shuffle record,
 * the change feed and the audit stream, compare-and-set on the topic's version: a replica that lost
 * its lease, or an operator's concurrent abort, makes the write fail instead of forking the shuffle.
 */
@Injectable()
export class MigrationWriter {
  constructor(
    private readonly repo: FleetRepository,
    private readonly metrics: ServiceMetrics,
    private readonly replication: RedisReplication,
  ) {}

  /**
   * Moves `m` to phase `to` (or, with `to` equal to its phase, updates routing within the phase).
   *
   * `m` must be the shuffle the topic version being replaced embeds, in the same phase: every
   * phase change rewrites the topic, so together with the compare-and-set on the topic's version
   * this makes "check the phase, then write" one atomic step. Without it an abort that read the
   * shuffle in `prepare` and the topic just after `prepare` finished would write `aborted` over a
   * topic already placed on the target (no fence, no drain).
   */
  async enter(
    m: StoredMigration,
    topic: Topic,
    to: MigrationPhaseName,
    change: PhaseChange = {},
    actor = 'orchestrator',
  ): Promise<StoredMigration> {
    if (topic.migration?.id !== m.id || topic.migration.phase !== m.phase)
      throw new ConflictError(
        `shuffle ${m.id} is no longer in phase "${m.phase}" (the topic says ${topic.migration ? `"${topic.migration.phase}"` : 'none'}); try again`,
      );
    const now = Date.now();
    const terminal = TERMINAL_PHASES.includes(to);
    const record = recordEntering(m, to, change.record, now);
    const { migration: _previous, ...rest } = { ...topic, ...change.topic };
    await this.write(
      topic,
      terminal
        ? { ...rest, state: 'stable' as const }
        : { ...rest, state: 'migrating' as const, migration: topicMigrationOf(record) },
      record,
      [
        ...(terminal ? [{ op: 'srem' as const, key: FleetKeys.migrationsActive, m: m.id }] : []),
        ...(change.indexOps ?? []),
      ],
      { migration: m.id, phase: to, from: m.phase, ...change.detail },
      actor,
      change.leaseOwner,
    );
    if (to === m.phase) return record;
    const left = m.history[m.history.length - 1];
    this.metrics.migrationPhaseDuration.observe({ phase: m.phase }, (now - left.enteredAt) / 1000);
    if (terminal) this.metrics.migrationOutcomes.inc({ outcome: to });
    return record;
  }

  /** Stores a new shuffle and marks its topic as migrating, in one write like every phase change. */
  async create(record: StoredMigration, topic: Topic, actor: string): Promise<void> {
    await this.write(
      topic,
      { ...topic, state: 'migrating' as const, migration: topicMigrationOf(record) },
      record,
      [{ op: 'sadd', key: FleetKeys.migrationsActive, m: record.id }],
      { migration: record.id, phase: record.phase, from: record.source, to: record.target },
      actor,
    );
  }

  /** The topic (compare-and-set on its version), the shuffle record, extra index ops, feed and audit. */
  private async write(
    topic: Topic,
    next: Topic,
    record: StoredMigration,
    indexOps: IndexOp[],
    detail: Record<string, unknown>,
    actor: string,
    leaseOwner?: string,
  ): Promise<void> {
    await this.repo.mutate({
      kind: 'topic',
      op: 'update',
      id: topic.name,
      expectedVersion: topic.version,
      entity: stamp(next, { version: topic.version, createdAt: topic.createdAt }),
      actor,
      ...(leaseOwner
        ? {
            guards: [{ t: 'holds', key: FleetKeys.migrationLock(record.id), v: leaseOwner, path: record.id }],
          }
        : {}),
      indexOps: [
        { op: 'hset', key: FleetKeys.migrations, m: record.id, v: JSON.stringify(record) },
        ...indexOps,
      ],
      detail,
    });
    // Acknowledged (to an operator, or to the next step) only once it would survive a failover.
    await this.replication.awaitReplicas(`shuffle ${record.id} entering ${record.phase}`);
  }
}
