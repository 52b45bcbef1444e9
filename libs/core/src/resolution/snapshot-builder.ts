import type {
  App,
  AppSnapshot,
  Cluster,
  ResolvedTopic,
  SnapshotEra,
  SnapshotMigration,
  SnapshotTopic,
  Topic,
  TopicEra,
  TopicMigration,
} from '@kafka-fleet/contracts';
import { handlerFailures } from '@kafka-fleet/contracts';
import { NotFoundError } from '../errors/fleet-errors';

/**
 * Resolves one logical topic against the cluster it is placed on (and, during a shuffle, the
 * cluster it is leaving, which consumer groups not yet drained still read).
 */
export function resolveTopic(
  topic: Topic,
  cluster: Cluster | undefined,
  sourceCluster?: Cluster,
  clusters?: ReadonlyMap<string, Cluster>,
): ResolvedTopic {
  if (!cluster)
    throw new NotFoundError('cluster', topic.placement.clusterId, { context: { topic: topic.name } });
  return {
    topic: topic.name,
    clusterId: cluster.id,
    physicalTopic: topic.placement.physicalTopic,
    bootstrapServers: [...cluster.bootstrapServers],
    epoch: topic.epoch,
    partitions: topic.partitions,
    state: topic.state,
    ...(topic.floor ? { floor: topic.floor } : {}),
    ...(topic.migration && sourceCluster
      ? { migration: snapshotMigration(topic.migration, sourceCluster, clusters) }
      : {}),
    ...(topic.eras?.length && clusters ? { eras: snapshotEras(topic.eras, clusters) } : {}),
  };
}

/** Eras whose cluster is still registered: one that is gone cannot be read anyway. */
function snapshotEras(eras: readonly TopicEra[], clusters: ReadonlyMap<string, Cluster>): SnapshotEra[] {
  return eras.flatMap((e) => {
    const c = clusters.get(e.clusterId);
    if (!c) return [];
    return [
      {
        epoch: e.epoch,
        clusterId: e.clusterId,
        physicalTopic: e.physicalTopic,
        bootstrapServers: [...c.bootstrapServers],
        ...(e.floor ? { floor: e.floor } : {}),
        fence: e.fence,
      },
    ];
  });
}

function snapshotMigration(
  m: TopicMigration,
  source: Cluster,
  clusters?: ReadonlyMap<string, Cluster>,
): SnapshotMigration {
  const target = m.target && clusters?.get(m.target.clusterId);
  return {
    id: m.id,
    phase: m.phase,
    source: { ...m.source, bootstrapServers: [...source.bootstrapServers] },
    ...(m.target && target
      ? { target: { ...m.target, bootstrapServers: [...target.bootstrapServers] } }
      : {}),
    epochFrom: m.epochFrom,
    ...(m.sourceFloor ? { sourceFloor: m.sourceFloor } : {}),
    ...(m.fence ? { fence: m.fence } : {}),
    drainedGroups: [...m.drainedGroups],
  };
}

/**
 * Builds an application's snapshot from a consistent read of the store at `version`. Topics the
 * app lists but that do not exist (yet) are left out rather than failing the whole snapshot, so one
 * stale profile entry never stops an application from routing its other topics.
 */
export function buildSnapshot(
  version: number,
  app: App,
  topics: ReadonlyMap<string, Topic>,
  clusters: ReadonlyMap<string, Cluster>,
  pausedGroups: readonly string[] = [],
): AppSnapshot {
  const snapshotTopics: SnapshotTopic[] = [];
  const usedClusters = new Set<string>();
  for (const name of Object.keys(app.topics).sort()) {
    const topic = topics.get(name);
    const cluster = topic && clusters.get(topic.placement.clusterId);
    if (!topic || !cluster) continue;
    const access = app.topics[name];
    usedClusters.add(cluster.id);
    const sourceCluster = topic.migration && clusters.get(topic.migration.source.clusterId);
    if (sourceCluster) usedClusters.add(sourceCluster.id);
    for (const era of topic.eras ?? []) if (clusters.has(era.clusterId)) usedClusters.add(era.clusterId);
    snapshotTopics.push({
      ...resolveTopic(topic, cluster, sourceCluster, clusters),
      produce: access.produce,
      consume: access.consume,
      backend: access.backend ?? app.backend,
    });
  }
  return {
    app: app.id,
    version,
    backend: app.backend,
    configOverrides: { ...app.configOverrides },
    // Apps stored before the policy existed get its defaults.
    handlerFailures: handlerFailures.parse(app.handlerFailures ?? {}),
    topics: snapshotTopics,
    clusters: [...usedClusters].sort().map((id) => {
      const c = clusters.get(id) as Cluster;
      return { id: c.id, bootstrapServers: [...c.bootstrapServers], security: c.security, status: c.status };
    }),
    pausedGroups: [...pausedGroups].sort(),
  };
}
