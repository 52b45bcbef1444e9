import { Injectable } from '@nestjs/common';
import { migrationInput, type Migration, type Topic } from '@kafka-fleet/contracts';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  canAbort,
  phaseDurations,
  startMigration,
  validate,
} from '@kafka-fleet/core';
import type { Principal } from '../auth/principal';
import { KafkaAdminGateway } from '../kafka/kafka-admin.gateway';
import { FleetRepository } from '../storage/fleet.repository';
import { MigrationRepository, type StoredMigration } from '../storage/migration.repository';
import { MigrationOrchestrator } from './migration-orchestrator';
import { MigrationWriter } from './migration-writer';

/** The operator's side of shuffles: start, inspect, hold/resume, abort. The orchestrator does the rest. */
@Injectable()
export class MigrationsService {
  constructor(
    private readonly repo: FleetRepository,
    private readonly migrations: MigrationRepository,
    private readonly kafka: KafkaAdminGateway,
    private readonly writer: MigrationWriter,
    private readonly orchestrator: MigrationOrchestrator,
  ) {}

  async start(topicName: string, body: unknown, actor: Principal): Promise<Migration> {
    const input = validate(migrationInput, body);
    const topic = await this.repo.require('topic', topicName);
    if (topic.state !== 'stable' || topic.migration)
      throw new ConflictError(
        `topic "${topicName}" is already being shuffled (${topic.migration?.id ?? 'unknown'})`,
      );
    const target = await this.repo.get('cluster', input.targetClusterId);
    if (!target)
      throw new ValidationError(`cluster "${input.targetClusterId}" does not exist`, [
        { path: 'targetClusterId', reason: 'does not exist' },
      ]);
    if (target.status !== 'active')
      throw new ValidationError(
        `cluster "${target.id}" is ${target.status}; shuffles only go to active clusters`,
        [{ path: 'targetClusterId', reason: `cluster is ${target.status}` }],
      );
    const physicalTopic = input.targetPhysicalTopic ?? (await this.defaultTargetName(topic, target.id));
    if (target.id === topic.placement.clusterId && physicalTopic === topic.placement.physicalTopic)
      throw new ValidationError('the topic is already there', [
        { path: 'targetClusterId', reason: 'same cluster and physical topic as the current placement' },
      ]);
    const now = Date.now();
    const at = new Date(now).toISOString();
    const record: StoredMigration = {
      ...startMigration(now),
      id: `${now.toString(36).padStart(9, '0')}-${topic.epoch + 1}`,
      topic: topic.name,
      source: topic.placement,
      target: { clusterId: target.id, physicalTopic },
      holdAt: input.holdAt,
      held: false,
      epochFrom: topic.epoch,
      epochTo: topic.epoch + 1,
      ...(topic.floor ? { sourceFloor: topic.floor } : {}),
      partitions: topic.partitions,
      producersPending: [],
      producersAcknowledged: [],
      groups: [],
      groupsDrained: [],
      startedBy: actor.name,
      createdAt: at,
      updatedAt: at,
      rev: 1,
    };
    await this.writer.create(record, topic, actor.name);
    this.orchestrator.nudge();
    return view(record);
  }

  async get(topicName: string, id: string): Promise<Migration> {
    return view(await this.owned(topicName, id));
  }

  async list(topicName: string): Promise<Migration[]> {
    await this.repo.require('topic', topicName);
    return (await this.migrations.forTopic(topicName)).map(view);
  }

  /** Only while no producer can have moved; afterwards the way back is a shuffle the other way. */
  async abort(topicName: string, id: string, actor: Principal): Promise<Migration> {
    const m = await this.owned(topicName, id);
    if (!canAbort(m))
      throw new ConflictError(
        `shuffle ${id} is in phase "${m.phase}": producers may have moved, so it can no longer be aborted; shuffle the topic back instead`,
      );
    const topic = await this.repo.require('topic', topicName);
    return view(await this.writer.enter(m, topic, 'aborted', {}, actor.name));
  }

  /** Releases a hold: the orchestrator goes on with the phase it stopped at. */
  async resume(topicName: string, id: string): Promise<Migration> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const m = await this.owned(topicName, id);
      const updated = await this.migrations.update(m, {
        holdAt: m.holdAt.filter((p) => p !== m.phase),
        held: false,
      });
      if (updated) {
        this.orchestrator.nudge();
        return view(updated);
      }
    }
    throw new ConflictError(`shuffle ${id} kept changing; try again`);
  }

  private async owned(topicName: string, id: string): Promise<StoredMigration> {
    const m = await this.migrations.get(id);
    if (!m || m.topic !== topicName) throw new NotFoundError(`migration of topic "${topicName}"`, id);
    return m;
  }

  /** Keeps the physical name when the target does not have it; otherwise a fresh name per epoch. */
  private async defaultTargetName(topic: Topic, targetClusterId: string): Promise<string> {
    const target = await this.repo.require('cluster', targetClusterId);
    const name = topic.placement.physicalTopic;
    const taken =
      targetClusterId === topic.placement.clusterId || (await this.kafka.topicExists(target, name));
    return taken ? `${topic.name}.e${topic.epoch + 1}` : name;
  }
}

function view(m: StoredMigration): Migration {
  const { rev: _rev, ...rest } = m;
  return { ...rest, phaseDurationsMs: phaseDurations(m, Date.now()) };
}
