import type { AssignedPartitions } from '@kafka-fleet/contracts';
import type { Route } from '@kafka-fleet/core';
import type { BackendConsumer } from '../backends/backend-port';
import { TopicAccessError } from '../errors/client-errors';

/** Backend consumers of one group: one per backend per physical cluster the topics live on. */
export interface Lane {
  readonly key: string;
  readonly routes: Route[];
  readonly consumer: BackendConsumer;
  /** Route per physical topic; replaced in place when only its bounds change (a fence arrived). */
  readonly byPhysical: Map<string, Route>;
}

/** Whether a partition named by cluster and physical topic is read through `lane`. */
export const readsThrough =
  (lane: Lane) =>
  (p: { readonly clusterId: string; readonly physicalTopic: string }): boolean =>
    lane.byPhysical.get(p.physicalTopic)?.clusterId === p.clusterId;

/** What the lanes own, per cluster and physical topic (the heartbeat's compact assignment). */
export function assignedThrough(lanes: Iterable<Lane>): Map<string, AssignedPartitions> {
  const assigned = new Map<string, AssignedPartitions>();
  for (const lane of lanes)
    for (const p of lane.consumer.assignment()) {
      const route = lane.byPhysical.get(p.topic);
      if (!route) continue;
      const key = `${route.clusterId}/${p.topic}`;
      const entry = assigned.get(key) ?? {
        topic: route.topic,
        clusterId: route.clusterId,
        physicalTopic: p.topic,
        partitions: [],
      };
      entry.partitions.push(p.partition);
      assigned.set(key, entry);
    }
  return assigned;
}

/** The lane a logical topic is read through, and its route there. */
export function laneOf(lanes: Iterable<Lane>, topic: string): { lane: Lane; route: Route } {
  for (const lane of lanes) {
    const route = lane.routes.find((r) => r.topic === topic);
    if (route) return { lane, route };
  }
  throw new TopicAccessError(topic, 'resolve');
}
