import { Injectable } from '@nestjs/common';
import { topicInput, topicName, topicPatch, type Cluster, type Topic } from '@kafka-fleet/contracts';
import { ConflictError, ValidationError, validate } from '@kafka-fleet/core';
import { z } from 'zod';
import type { Principal } from '../auth/principal';
import { KafkaAdminGateway } from '../kafka/kafka-admin.gateway';
import { FleetKeys } from '../storage/fleet-keys';
import { FleetRepository } from '../storage/fleet.repository';
import { stamp } from '../storage/stamp';

const placementChange = z
  .object({
    version: z.number().int().nonnegative(),
    clusterId: z.string(),
    physicalTopic: topicName.optional(),
  })
  .strict();

@Injectable()
export class TopicsService {
  constructor(
    private readonly repo: FleetRepository,
    private readonly kafka: KafkaAdminGateway,
  ) {}

  /**
   * Onboarding: the physical topic is created on the placed cluster first (idempotently), then the
   * logical topic is stored. A failure in between leaves at most a physical topic that the retried
   * request adopts; never metadata pointing at a topic that does not exist.
   */
  async onboard(body: unknown, actor: Principal): Promise<Topic> {
    const input = validate(topicInput, body);
    if (await this.repo.get('topic', input.name))
      throw new ConflictError(`topic "${input.name}" already exists`);
    const cluster = await this.placedCluster(input.clusterId, 'clusterId');
    const physicalTopic = input.physicalTopic ?? input.name;
    const replicationFactor = input.replicationFactor ?? Math.min(3, await this.kafka.brokerCount(cluster));
    const outcome = await this.kafka.ensureTopic(cluster, {
      name: physicalTopic,
      partitions: input.partitions,
      replicationFactor,
      configs: input.configs,
    });
    const topic: Topic = stamp({
      name: input.name,
      owner: input.owner,
      partitions: input.partitions,
      replicationFactor,
      configs: input.configs,
      placement: { clusterId: cluster.id, physicalTopic },
      epoch: 1,
      state: 'stable' as const,
    });
    await this.repo.mutate({
      kind: 'topic',
      op: 'create',
      id: topic.name,
      expectedVersion: -1,
      entity: topic,
      actor: actor.name,
      guards: [{ t: 'exists', key: FleetKeys.clusters, f: cluster.id, path: 'clusterId' }],
      indexOps: [{ op: 'sadd', key: FleetKeys.placement(cluster.id), m: topic.name }],
      detail: { clusterId: cluster.id, physicalTopic, partitions: topic.partitions, physical: outcome },
    });
    return topic;
  }

  async patch(name: string, body: unknown, actor: Principal): Promise<Topic> {
    const { version, ...changes } = validate(topicPatch, body);
    const current = await this.repo.require('topic', name);
    const topic: Topic = stamp({ ...current, ...changes }, { version, createdAt: current.createdAt });
    await this.repo.mutate({
      kind: 'topic',
      op: 'update',
      id: name,
      expectedVersion: version,
      entity: topic,
      actor: actor.name,
      detail: { changed: Object.keys(changes) },
    });
    return topic;
  }

  /**
   * Re-points a logical topic at another cluster/physical topic and bumps its routing epoch. This is
   * the hard switch; the lossless, fenced move is the shuffle (migrations), which builds on it.
   */
  async changePlacement(name: string, body: unknown, actor: Principal): Promise<Topic> {
    const input = validate(placementChange, body);
    const current = await this.repo.require('topic', name);
    this.refuseWhileShuffling(current, 'change its placement');
    const cluster = await this.placedCluster(input.clusterId, 'clusterId');
    const physicalTopic = input.physicalTopic ?? current.placement.physicalTopic;
    await this.kafka.ensureTopic(cluster, {
      name: physicalTopic,
      partitions: current.partitions,
      replicationFactor: Math.min(current.replicationFactor, await this.kafka.brokerCount(cluster)),
      configs: current.configs,
    });
    const topic: Topic = stamp(
      { ...current, placement: { clusterId: cluster.id, physicalTopic }, epoch: current.epoch + 1 },
      { version: input.version, createdAt: current.createdAt },
    );
    await this.repo.mutate({
      kind: 'topic',
      op: 'update',
      id: name,
      expectedVersion: input.version,
      entity: topic,
      actor: actor.name,
      guards: [{ t: 'exists', key: FleetKeys.clusters, f: cluster.id, path: 'clusterId' }],
      indexOps: [
        { op: 'srem', key: FleetKeys.placement(current.placement.clusterId), m: name },
        { op: 'sadd', key: FleetKeys.placement(cluster.id), m: name },
      ],
      detail: { from: current.placement, to: topic.placement, epoch: topic.epoch },
    });
    return topic;
  }

  /** Removes the logical topic; the physical topic and its data are left for an SRE to delete. */
  async remove(name: string, version: number | undefined, actor: Principal): Promise<void> {
    const current = await this.repo.require('topic', name);
    this.refuseWhileShuffling(current, 'delete it');
    await this.repo.mutate({
      kind: 'topic',
      op: 'delete',
      id: name,
      // Never a blind delete: the placement index update below was computed from `current`.
      expectedVersion: version ?? current.version,
      actor: actor.name,
      indexOps: [{ op: 'srem', key: FleetKeys.placement(current.placement.clusterId), m: name }],
      detail: { placement: current.placement },
    });
  }

  /** A shuffle owns the topic's routing until it ends; the CAS on `version` backs this up. */
  private refuseWhileShuffling(topic: Topic, what: string): void {
    if (topic.migration)
      throw new ConflictError(
        `topic "${topic.name}" is being shuffled (${topic.migration.id}); cannot ${what} now`,
      );
  }

  private async placedCluster(id: string, path: string): Promise<Cluster> {
    const cluster = await this.repo.get('cluster', id);
    if (!cluster)
      throw new ValidationError(`cluster "${id}" does not exist`, [
        { path, reason: `cluster "${id}" does not exist` },
      ]);
    return cluster;
  }
}
