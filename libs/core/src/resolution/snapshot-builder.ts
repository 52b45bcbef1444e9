import type { App, AppSnapshot, Cluster, ResolvedTopic, SnapshotTopic, Topic } from '@kafka-fleet/contracts';
import { NotFoundError } from '../errors/fleet-errors';

/** Resolves one logical topic against the cluster it is placed on. */
export function resolveTopic(topic: Topic, cluster: Cluster | undefined): ResolvedTopic {
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
): AppSnapshot {
  const snapshotTopics: SnapshotTopic[] = [];
  const usedClusters = new Set<string>();
  for (const name of Object.keys(app.topics).sort()) {
    const topic = topics.get(name);
    const cluster = topic && clusters.get(topic.placement.clusterId);
    if (!topic || !cluster) continue;
    const access = app.topics[name];
    usedClusters.add(cluster.id);
    snapshotTopics.push({
      ...resolveTopic(topic, cluster),
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
    topics: snapshotTopics,
    clusters: [...usedClusters].sort().map((id) => {
      const c = clusters.get(id) as Cluster;
      return { id: c.id, bootstrapServers: [...c.bootstrapServers], security: c.security, status: c.status };
    }),
  };
}
