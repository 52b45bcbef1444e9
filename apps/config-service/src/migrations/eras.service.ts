import { Injectable, Logger } from '@nestjs/common';
import type { Topic, TopicEra } from '@kafka-fleet/contracts';
import {
  ConflictError,
  NotFoundError,
  ValidationError,
  eraStanding,
  type EraStanding,
} from '@kafka-fleet/core';
import { KafkaAdminGateway } from '../kafka/kafka-admin.gateway';
import { FleetRepository } from '../storage/fleet.repository';
import { stamp } from '../storage/stamp';

export interface GroupOnEra {
  readonly group: string;
  readonly standing: EraStanding;
  /** Records between the group's position and the fence (what retiring would lose for it). */
  readonly unread: string;
}

export interface EraView extends TopicEra {
  /** Every group Kafka holds offsets for on the era's physical topic, and where it stands. */
  readonly groups: GroupOnEra[];
}

export interface EraRetirement {
  readonly retired: TopicEra;
  /** Whether the era's physical topic was deleted (not when another placement still uses it). */
  readonly deletedTopic: boolean;
  /** Groups that had not passed the fence (only with `force`): what they will never read. */
  readonly groupsBehind: GroupOnEra[];
}

/**
 * Earlier placements of a topic (what shuffles leave behind) and their retirement: the one step that
 * deletes a source topic, refused while a group Kafka knows has not read it up to its fence.
 */
@Injectable()
export class ErasService {
  private readonly logger = new Logger('eras');
  constructor(
    private readonly repo: FleetRepository,
    private readonly kafka: KafkaAdminGateway,
  ) {}

  async list(topicName: string): Promise<EraView[]> {
    const topic = await this.repo.require('topic', topicName);
    const views: EraView[] = [];
    for (const era of topic.eras ?? []) views.push({ ...era, groups: await this.groupsOn(era) });
    return views;
  }

  async retire(topicName: string, epochParam: string, force: boolean, actor: string): Promise<EraRetirement> {
    const epoch = Number(epochParam);
    if (!/^\d+$/.test(epochParam) || !Number.isSafeInteger(epoch))
      throw new ValidationError(`era "${epochParam}" is not an epoch`, [
        { path: 'epoch', reason: 'must be a positive integer' },
      ]);
    const topic = await this.repo.require('topic', topicName);
    const era = (topic.eras ?? []).find((e) => e.epoch === epoch);
    if (!era) throw new NotFoundError(`era of topic "${topicName}"`, epochParam);
    const groups = await this.groupsOn(era);
    const behind = groups.filter((g) => g.standing === 'behind');
    if (behind.length > 0 && !force)
      throw new ConflictError(
        `era ${epoch} of "${topicName}" still has unread records for ${behind.length} group(s): ${behind
          .map((g) => `${g.group} (${g.unread})`)
          .join(', ')}; they catch up when they run, or retire with force=true to drop them`,
        topic.version,
        { context: { topic: topicName, epoch, groupsBehind: behind.length } },
      );
    const next: Topic = { ...topic, eras: (topic.eras ?? []).filter((e) => e.epoch !== epoch) };
    // Clients stop reading the era first; its topic is deleted only once no snapshot names it.
    await this.repo.mutate({
      kind: 'topic',
      op: 'update',
      id: topic.name,
      expectedVersion: topic.version,
      entity: stamp(next, { version: topic.version, createdAt: topic.createdAt }),
      actor,
      detail: {
        retiredEra: epoch,
        cluster: era.clusterId,
        physicalTopic: era.physicalTopic,
        force,
        groupsBehind: behind.map((g) => g.group),
      },
    });
    const deletedTopic = !stillPlaced(next, era) && (await this.deleteTopic(era));
    return { retired: era, deletedTopic, groupsBehind: behind };
  }

  private async groupsOn(era: TopicEra): Promise<GroupOnEra[]> {
    const cluster = await this.repo.get('cluster', era.clusterId);
    if (!cluster) return [];
    if (!(await this.kafka.topicExists(cluster, era.physicalTopic))) return [];
    const out: GroupOnEra[] = [];
    for (const [group, committed] of await this.kafka.groupsWithOffsets(cluster, era.physicalTopic)) {
      const { standing, unread } = eraStanding(era, committed, false);
      out.push({ group, standing, unread: unread.toString() });
    }
    return out;
  }

  private async deleteTopic(era: TopicEra): Promise<boolean> {
    const cluster = await this.repo.get('cluster', era.clusterId);
    if (!cluster) return false;
    try {
      await this.kafka.deleteTopic(cluster, era.physicalTopic);
      return true;
    } catch (error) {
      // The era is retired either way; the topic is left for an SRE to delete by hand.
      this.logger.warn(
        `era topic ${era.physicalTopic} on ${era.clusterId} was not deleted: ${(error as Error).message}`,
      );
      return false;
    }
  }
}

/** Whether the topic still reads or writes `era`'s physical topic (an explicit name reused it). */
function stillPlaced(topic: Topic, era: TopicEra): boolean {
  const same = (p: { clusterId: string; physicalTopic: string }) =>
    p.clusterId === era.clusterId && p.physicalTopic === era.physicalTopic;
  return (
    same(topic.placement) ||
    (topic.migration !== undefined && same(topic.migration.source)) ||
    (topic.eras ?? []).some(same)
  );
}
