import type { AppSnapshot, PartitionOffsets, SnapshotEra, SnapshotTopic } from '@kafka-fleet/contracts';

/** Where one logical topic goes right now, for one application. */
export interface Route {
  readonly topic: string;
  readonly clusterId: string;
  readonly bootstrapServers: readonly string[];
  readonly physicalTopic: string;
  readonly epoch: number;
  readonly backend: SnapshotTopic['backend'];
  readonly partitions: number;
  /**
   * Offsets a consumer must not deliver outside of: below `floor` lies an earlier era (consumed or
   * swept already); at or past `ceiling` (a source's fence) lie stragglers the sweep moves.
   */
  readonly bounds?: { readonly floor?: PartitionOffsets; readonly ceiling?: PartitionOffsets };
}

export type RouteLookup = { kind: 'ok'; route: Route } | { kind: 'unknown' } | { kind: 'forbidden' };

/**
 * Where `topic` goes for this access. Producers always follow the placement. A consumer group
 * follows it too, except during a shuffle until its group has drained the source up to the fence:
 * until then it keeps reading the source (bounded by the fence once known).
 */
export function findRoute(
  snapshot: AppSnapshot,
  topic: string,
  access: 'produce' | 'consume',
  groupId?: string,
): RouteLookup {
  const entry = snapshot.topics.find((t) => t.topic === topic);
  if (!entry) return { kind: 'unknown' };
  if (!entry[access]) return { kind: 'forbidden' };
  const migration = entry.migration;
  if (access === 'consume' && migration && !(groupId && migration.drainedGroups.includes(groupId))) {
    return {
      kind: 'ok',
      route: {
        topic,
        clusterId: migration.source.clusterId,
        bootstrapServers: migration.source.bootstrapServers,
        physicalTopic: migration.source.physicalTopic,
        epoch: migration.epochFrom,
        backend: entry.backend,
        partitions: entry.partitions,
        bounds: { floor: migration.sourceFloor, ceiling: migration.fence },
      },
    };
  }
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
      ...(access === 'consume' && entry.floor ? { bounds: { floor: entry.floor } } : {}),
    },
  };
}

/** The route a group that fell behind reads one earlier era of `entry` on, up to its fence. */
export function eraRoute(entry: SnapshotTopic, era: SnapshotEra): Route {
  return {
    topic: entry.topic,
    clusterId: era.clusterId,
    bootstrapServers: era.bootstrapServers,
    physicalTopic: era.physicalTopic,
    epoch: era.epoch,
    backend: entry.backend,
    partitions: entry.partitions,
    bounds: { ...(era.floor ? { floor: era.floor } : {}), ceiling: era.fence },
  };
}

/** Whether a consumer may deliver `offset` of `partition` on this route (see `Route.bounds`). */
export function withinBounds(route: Route, partition: number, offset: string): boolean {
  const floor = route.bounds?.floor?.[partition];
  if (floor !== undefined && BigInt(offset) < BigInt(floor)) return false;
  const ceiling = route.bounds?.ceiling?.[partition];
  return ceiling === undefined || BigInt(offset) < BigInt(ceiling);
}

/**
 * Two routes are the same lane when records would go to the same place through the same backend.
 * Bounds are not part of it: a fence arriving must not restart a consumer, only narrow it.
 */
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
