import type { App, Cluster, Topic } from '@kafka-fleet/contracts';
import { FleetRepository } from '../../apps/config-service/src/storage/fleet.repository';
import type { RedisClient } from '../../apps/config-service/src/storage/redis-client.factory';
import { FleetKeys } from '../../apps/config-service/src/storage/fleet-keys';
import { loadServiceConfig } from '../../apps/config-service/src/config/service-config';

/** A deterministic pseudo-random source (mulberry32), so every run seeds the same fleet. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FleetShape {
  readonly clusters: number;
  readonly topics: number;
  readonly apps: number;
  readonly topicsPerApp: number;
}

/**
 * Seeds through the service's own repository (the same atomic Lua mutation every API write uses),
 * without creating physical topics: the clusters are fictitious, only the metadata scale matters.
 */
export async function seedFleet(
  redis: RedisClient,
  shape: FleetShape,
  random = seeded(42),
): Promise<{ topicNames: string[]; appIds: string[] }> {
  const repo = new FleetRepository(
    redis,
    { time: (_c, run) => run() },
    loadServiceConfig({ KF_CHANGES_MAXLEN: '100000' }),
  );
  const now = new Date().toISOString();
  const stored = { version: 1, createdAt: now, updatedAt: now };
  const pending: Array<Promise<number>> = [];
  const flush = async () => {
    await Promise.all(pending.splice(0));
  };
  for (let c = 0; c < shape.clusters; c++) {
    const cluster: Cluster = {
      id: `cluster-${c}`,
      bootstrapServers: [
        `kafka-${c}-1.example:9092`,
        `kafka-${c}-2.example:9092`,
        `kafka-${c}-3.example:9092`,
      ],
      region: `region-${c % 4}`,
      environment: 'prod',
      status: 'active',
      tags: {},
      capacity: { maxPartitions: 20_000 },
      security: { protocol: 'SASL_SSL', saslMechanism: 'SCRAM-SHA-512', secretRef: `kafka-cluster-${c}` },
      ...stored,
    };
    pending.push(
      repo.mutate({
        kind: 'cluster',
        op: 'create',
        id: cluster.id,
        expectedVersion: -1,
        entity: cluster,
        actor: 'bench',
      }),
    );
  }
  await flush();
  const topicNames: string[] = [];
  for (let t = 0; t < shape.topics; t++) {
    const name = `domain-${t % 200}.topic-${t}`;
    const clusterId = `cluster-${Math.floor(random() * shape.clusters)}`;
    const topic: Topic = {
      name,
      owner: `team-${t % 300}`,
      partitions: [6, 12, 24, 48][Math.floor(random() * 4)],
      replicationFactor: 3,
      configs: { 'retention.ms': '604800000' },
      placement: { clusterId, physicalTopic: name },
      epoch: 1,
      state: 'stable',
      ...stored,
    };
    topicNames.push(name);
    pending.push(
      repo.mutate({
        kind: 'topic',
        op: 'create',
        id: name,
        expectedVersion: -1,
        entity: topic,
        actor: 'bench',
        indexOps: [{ op: 'sadd', key: FleetKeys.placement(clusterId), m: name }],
      }),
    );
    if (pending.length >= 500) await flush();
  }
  await flush();
  const appIds: string[] = [];
  for (let a = 0; a < shape.apps; a++) {
    const topics: App['topics'] = {};
    for (let i = 0; i < shape.topicsPerApp; i++) {
      topics[topicNames[Math.floor(random() * topicNames.length)]] = {
        produce: random() < 0.6,
        consume: true,
      };
    }
    const app: App = {
      id: `app-${a}`,
      owner: `team-${a % 300}`,
      backend: a % 3 === 0 ? 'rdkafka' : 'kafkajs',
      topics,
      configOverrides: {},
      ...stored,
    };
    appIds.push(app.id);
    pending.push(
      repo.mutate({
        kind: 'app',
        op: 'create',
        id: app.id,
        expectedVersion: -1,
        entity: app,
        actor: 'bench',
      }),
    );
    if (pending.length >= 500) await flush();
  }
  await flush();
  return { topicNames, appIds };
}
