import { Injectable } from '@nestjs/common';
import {
  groupId as groupIdSchema,
  type GroupControl,
  type GroupSummary,
  type GroupView,
} from '@kafka-fleet/contracts';
import { NotFoundError, validate } from '@kafka-fleet/core';
import type { Principal } from '../auth/principal';
import { KafkaAdminGateway } from '../kafka/kafka-admin.gateway';
import { ServiceMetrics } from '../metrics/service-metrics';
import { FleetRepository } from '../storage/fleet.repository';
import { InstanceRepository } from '../storage/instance.repository';
import { stamp } from '../storage/stamp';
import { buildGroupView, groupMembers, summariseGroups, type GroupTopicOffsets } from './group-view.builder';

/**
 * Consumer groups: pause/resume is configuration (stored through the atomic mutation, so it
 * reaches every client through the change feed and snapshots); members, assignment and rebalance
 * figures come from heartbeats; committed offsets and lag from the clusters themselves.
 */
@Injectable()
export class GroupsService {
  constructor(
    private readonly repo: FleetRepository,
    private readonly instances: InstanceRepository,
    private readonly admin: KafkaAdminGateway,
    metrics: ServiceMetrics,
  ) {
    // A mixed group is worth an alert: it works only where every member speaks cooperative-sticky.
    metrics.countMixedBackendGroups = async () =>
      (await this.list()).filter((g) => g.backends.length > 1).length;
  }

  /** Sets the paused flag; setting it to what it already is writes nothing. */
  async setPaused(rawId: string, paused: boolean, who: Principal): Promise<GroupControl> {
    const id = validate(groupIdSchema, rawId, 'group id');
    const current = await this.repo.get('group', id);
    if (current && current.paused === paused) return current;
    const control: GroupControl = stamp({ id, paused, updatedBy: who.name }, current);
    await this.repo.mutate({
      kind: 'group',
      op: current ? 'update' : 'create',
      id,
      expectedVersion: current ? current.version : -1,
      entity: control,
      actor: who.name,
      detail: { paused },
    });
    return control;
  }

  async list(): Promise<GroupSummary[]> {
    const [live, controls] = await Promise.all([this.instances.live(), this.allControls()]);
    const paused = new Set(controls.filter((c) => c.paused).map((c) => c.id));
    return summariseGroups(
      live,
      paused,
      controls.map((c) => c.id),
    );
  }

  async get(rawId: string): Promise<GroupView> {
    const id = validate(groupIdSchema, rawId, 'group id');
    const [live, control] = await Promise.all([this.instances.live(), this.repo.get('group', id)]);
    const members = groupMembers(id, live);
    // Topics the group reads: what members subscribe to, plus where they actually hold partitions
    // (during a shuffle that includes the source cluster).
    const logical = new Set(
      live.flatMap((i) =>
        Object.entries(i.consumerGroups)
          .filter(([, groups]) => groups.includes(id))
          .map(([topic]) => topic),
      ),
    );
    if (members.length === 0 && logical.size === 0 && !control) throw new NotFoundError('group', id);
    const places = new Map<string, { topic: string; clusterId: string; physicalTopic: string }>();
    const topics = await this.repo.getMany('topic', [...logical]);
    for (const t of topics.values())
      places.set(`${t.placement.clusterId}/${t.placement.physicalTopic}`, {
        topic: t.name,
        clusterId: t.placement.clusterId,
        physicalTopic: t.placement.physicalTopic,
      });
    for (const m of members)
      for (const a of m.report.assignment) places.set(`${a.clusterId}/${a.physicalTopic}`, a);
    const clusters = await this.repo.getMany('cluster', [
      ...new Set([...places.values()].map((p) => p.clusterId)),
    ]);
    const offsets: GroupTopicOffsets[] = [];
    for (const place of places.values()) {
      const cluster = clusters.get(place.clusterId);
      if (!cluster) continue;
      const [end, committed] = await Promise.all([
        this.admin.endOffsets(cluster, place.physicalTopic),
        this.admin.committedOffsets(cluster, id, place.physicalTopic),
      ]);
      offsets.push({ ...place, end, committed });
    }
    return buildGroupView(id, control?.paused ?? false, members, offsets);
  }

  private async allControls(): Promise<GroupControl[]> {
    const out: GroupControl[] = [];
    let cursor = '0';
    do {
      const page = await this.repo.list('group', cursor, 500);
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== '0');
    return out;
  }
}
