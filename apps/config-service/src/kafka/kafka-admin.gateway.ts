import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Cluster, PartitionOffsets } from '@kafka-fleet/contracts';
import {
  ConflictError,
  UnavailableError,
  createTopicWithLeaders,
  fencedConfigs,
  isWriteFenced,
} from '@kafka-fleet/core';
import { ConfigResourceTypes, ConfigSource, Kafka, logLevel, type Admin } from 'kafkajs';

/** Offset fetches in flight at once when every group of a cluster is asked about one topic. */
const GROUP_FETCH_CONCURRENCY = 16;

async function committedOf(admin: Admin, groupId: string, topic: string): Promise<PartitionOffsets> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return Object.fromEntries(
    (entry?.partitions ?? [])
      .filter((p) => BigInt(p.offset) >= 0n)
      .map((p) => [String(p.partition), p.offset]),
  );
}

export interface PartitionInfo {
  readonly partition: number;
  readonly leader: number;
  readonly replicas: number[];
  readonly isr: number[];
  readonly offlineReplicas: number[];
  readonly earliestOffset: string;
  readonly latestOffset: string;
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly configs: Record<string, string>;
}

/**
 * The service's only door to Kafka: one cached admin client per cluster (rebuilt when the
 * cluster's bootstrap list changes). Security references are not resolved here yet: the local
 * stack is PLAINTEXT, and a referenced secret would be read from the pod's environment.
 */
/** How long a created topic's leaders are waited for (see `waitForTopicLeaders`). */
const LEADER_WAIT_MS = 15_000;

@Injectable()
export class KafkaAdminGateway implements OnModuleDestroy {
  private readonly admins = new Map<string, { key: string; admin: Promise<Admin> }>();

  private closed = false;

  private admin(cluster: Cluster): Promise<Admin> {
    // Loops still finishing a tick during shutdown (shuffles, plans) must not open a connection
    // nobody will close: it would keep the process alive after the service stopped.
    if (this.closed) return Promise.reject(new Error('the service is shutting down'));
    const key = cluster.bootstrapServers.join(',');
    const cached = this.admins.get(cluster.id);
    if (cached?.key === key) return cached.admin;
    if (cached) void cached.admin.then((a) => a.disconnect()).catch(() => undefined);
    const admin = new Kafka({
      clientId: 'kafka-fleet-config-service',
      brokers: [...cluster.bootstrapServers],
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      requestTimeout: 10_000,
      retry: { retries: 2 },
    }).admin();
    const connected = admin.connect().then(() => admin);
    connected.catch(() => this.admins.delete(cluster.id));
    this.admins.set(cluster.id, { key, admin: connected });
    return connected;
  }

  private async call<T>(cluster: Cluster, what: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.admin(cluster));
    } catch (error) {
      if (error instanceof ConflictError) throw error;
      throw new UnavailableError(
        `Kafka cluster "${cluster.id}" failed to ${what}: ${(error as Error).message}`,
        {
          cause: error,
          context: { cluster: cluster.id },
        },
      );
    }
  }

  async brokerCount(cluster: Cluster): Promise<number> {
    return this.call(
      cluster,
      'describe the cluster',
      async (a) => (await a.describeCluster()).brokers.length,
    );
  }

  /**
   * Creates the physical topic, idempotently: an existing topic with the same partition count is
   * success (a retried onboarding must not fail); one with a different count is a conflict.
   */
  async ensureTopic(cluster: Cluster, spec: TopicSpec): Promise<'created' | 'existed'> {
    return this.call(cluster, `create topic ${spec.name}`, async (admin) => {
      // A cluster that just started answers "does not host this topic-partition" for a few seconds.
      const created = await createTopicWithLeaders(
        admin,
        {
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor,
          configEntries: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
        },
        LEADER_WAIT_MS,
      );
      if (created) return 'created';
      const [meta] = (await admin.fetchTopicMetadata({ topics: [spec.name] })).topics;
      if (meta.partitions.length !== spec.partitions) {
        throw new ConflictError(
          `topic ${spec.name} already exists on ${cluster.id} with ${meta.partitions.length} partitions, not ${spec.partitions}`,
        );
      }
      return 'existed';
    });
  }

  async describePartitions(
    cluster: Cluster,
    physicalTopics: string[],
  ): Promise<Map<string, PartitionInfo[]>> {
    return this.call(cluster, 'describe partitions', async (admin) => {
      const out = new Map<string, PartitionInfo[]>();
      if (physicalTopics.length === 0) return out;
      const existing = new Set(await admin.listTopics());
      const present = physicalTopics.filter((t) => existing.has(t));
      if (present.length === 0) return out;
      const { topics } = await admin.fetchTopicMetadata({ topics: present });
      for (const t of topics) {
        const offsets = new Map((await admin.fetchTopicOffsets(t.name)).map((o) => [o.partition, o]));
        out.set(
          t.name,
          t.partitions
            .map((p) => ({
              partition: p.partitionId,
              leader: p.leader,
              replicas: p.replicas,
              isr: p.isr,
              offlineReplicas: p.offlineReplicas ?? [],
              earliestOffset: offsets.get(p.partitionId)?.low ?? '0',
              latestOffset: offsets.get(p.partitionId)?.high ?? '0',
            }))
            .sort((a, b) => a.partition - b.partition),
        );
      }
      return out;
    });
  }

  async topicExists(cluster: Cluster, topic: string): Promise<boolean> {
    return this.call(cluster, 'list topics', async (admin) => (await admin.listTopics()).includes(topic));
  }

  /**
   * Records each physical topic retains (sum over partitions of high − low watermark): what the
   * load model turns into an estimated size, KafkaJS having no DescribeLogDirs. Topics missing
   * on the cluster are left out.
   */
  async retainedRecords(cluster: Cluster, physicalTopics: readonly string[]): Promise<Map<string, number>> {
    return this.call(cluster, 'read topic offsets', async (admin) => {
      const existing = new Set(await admin.listTopics());
      const out = new Map<string, number>();
      for (const topic of physicalTopics) {
        if (!existing.has(topic)) continue;
        const offsets = await admin.fetchTopicOffsets(topic);
        out.set(
          topic,
          offsets.reduce((n, o) => n + Math.max(0, Number(o.high) - Number(o.low)), 0),
        );
      }
      return out;
    });
  }

  /**
   * Makes the brokers refuse every write to `topic` (see WRITE_FENCE_CONFIG), keeping its other
   * dynamic configs: the legacy AlterConfigs request KafkaJS speaks replaces the whole set.
   * Idempotent: a fence already in place is left as it is.
   */
  async fenceWrites(cluster: Cluster, topic: string): Promise<'fenced' | 'already'> {
    return this.call(cluster, `fence writes to ${topic}`, async (admin) => {
      const dynamic = await this.dynamicConfigs(admin, topic);
      if (isWriteFenced(dynamic)) return 'already';
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic,
            configEntries: Object.entries(fencedConfigs(dynamic)).map(([name, value]) => ({ name, value })),
          },
        ],
      });
      return 'fenced';
    });
  }

  private async dynamicConfigs(admin: Admin, topic: string): Promise<Record<string, string>> {
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      includeSynonyms: false,
    });
    return Object.fromEntries(
      (resources[0]?.configEntries ?? [])
        .filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG)
        .map((e) => [e.configName, e.configValue]),
    );
  }

  /** The next offset to be written, per partition (the high watermark). */
  async endOffsets(cluster: Cluster, topic: string): Promise<PartitionOffsets> {
    return this.call(cluster, `read end offsets of ${topic}`, async (admin) =>
      Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((o) => [String(o.partition), o.high])),
    );
  }

  /** A group's committed offsets on `topic`; partitions it never committed are left out. */
  async committedOffsets(cluster: Cluster, groupId: string, topic: string): Promise<PartitionOffsets> {
    return this.call(cluster, `read offsets of group ${groupId}`, (admin) =>
      committedOf(admin, groupId, topic),
    );
  }

  /** Deletes a physical topic (a retired era); one that is already gone is not an error. */
  async deleteTopic(cluster: Cluster, topic: string): Promise<void> {
    await this.call(cluster, `delete topic ${topic}`, async (admin) => {
      if ((await admin.listTopics()).includes(topic)) await admin.deleteTopics({ topics: [topic] });
    });
  }

  /**
   * Every consumer group with a committed offset on `topic`, live or not, with those offsets: a
   * shuffle drains what Kafka knows, not only the groups whose members happen to heartbeat to the
   * service. Groups are asked a few at a time (one request each), not one after another.
   */
  async groupsWithOffsets(cluster: Cluster, topic: string): Promise<Map<string, PartitionOffsets>> {
    return this.call(cluster, `find the groups of ${topic}`, async (admin) => {
      const ids = (await admin.listGroups()).groups
        .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
        .map((g) => g.groupId)
        .sort();
      const found = new Map<string, PartitionOffsets>();
      for (let i = 0; i < ids.length; i += GROUP_FETCH_CONCURRENCY) {
        const batch = ids.slice(i, i + GROUP_FETCH_CONCURRENCY);
        const offsets = await Promise.all(batch.map((id) => committedOf(admin, id, topic)));
        batch.forEach((id, at) => {
          if (Object.keys(offsets[at]).length > 0) found.set(id, offsets[at]);
        });
      }
      return found;
    });
  }

  /** Groups among `groupIds` that have members on this cluster right now (state not Empty/Dead). */
  async groupsWithMembers(cluster: Cluster, groupIds: readonly string[]): Promise<Set<string>> {
    if (groupIds.length === 0) return new Set();
    return this.call(cluster, 'describe groups', async (admin) => {
      const { groups } = await admin.describeGroups([...groupIds]);
      return new Set(groups.filter((g) => g.members.length > 0).map((g) => g.groupId));
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    const all = [...this.admins.values()];
    this.admins.clear();
    await Promise.all(all.map((c) => c.admin.then((a) => a.disconnect()).catch(() => undefined)));
  }
}
