import type { AppSnapshot, SnapshotTopic } from '@kafka-fleet/contracts';

/** Where one logical topic goes right now, for one application. */
export interface Route {
  readonly topic: string;
  readonly clusterId: string;
  readonly bootstrapServers: readonly string[];
  readonly physicalTopic: string;
  readonly epoch: number;
  readonly backend: SnapshotTopic['backend'];
  readonly partitions: number;
}

export type RouteLookup = { kind: 'ok'; route: Route } | { kind: 'unknown' } | { kind: 'forbidden' };

export function findRoute(snapshot: AppSnapshot, topic: string, access: 'produce' | 'consume'): RouteLookup {
  const entry = snapshot.topics.find((t) => t.topic === topic);
  if (!entry) return { kind: 'unknown' };
  if (!entry[access]) return { kind: 'forbidden' };
  return {
    kind: 'ok',
    route: {
      topic,
      clusterId: entry.clusterId,
      bootstrapServers: entry.bootstrapServers,
      physicalTopic: entry.physicalTopic,
      epoch: entry.epoch,
      backend: entry.backend,
      partitions: entry.partitions,
    },
  };
}

/** Two routes are the same lane when records would go to the same place through the same backend. */
export function sameRoute(a: Route, b: Route): boolean {
  return (
    a.epoch === b.epoch &&
    a.backend === b.backend &&
    a.clusterId === b.clusterId &&
    a.physicalTopic === b.physicalTopic &&
    a.bootstrapServers.join(',') === b.bootstrapServers.join(',')
  );
}

/** The key of the backend client a route uses: one client per backend per physical cluster. */
export function clientKey(route: Pick<Route, 'backend' | 'clusterId' | 'bootstrapServers'>): string {
  return `${route.backend}|${route.clusterId}|${route.bootstrapServers.join(',')}`;
}
