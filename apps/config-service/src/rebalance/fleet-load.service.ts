import { Injectable } from '@nestjs/common';
import type { ClusterCapacity, FleetLoadView } from '@kafka-fleet/contracts';
import { buildFleetLoad, type BuiltLoad, type LoadSourceTopic } from '@kafka-fleet/core';
import { KafkaAdminGateway } from '../kafka/kafka-admin.gateway';
import { FleetRepository, type Entity } from '../storage/fleet.repository';
import type { EntityKind } from '../storage/fleet-keys';
import { InstanceRepository } from '../storage/instance.repository';

/**
 * Bytes per retained record used to estimate a topic's size. An estimate, said so in the API
 * (`storageSource`): KafkaJS cannot describe log directories, and sampling records would mean
 * consuming every topic. 1 KiB is a typical average for JSON events; it errs on the large side,
 * which keeps the planner's headroom checks conservative.
 */
export const AVERAGE_RECORD_BYTES = 1024;

/**
 * What a cluster can carry when it registered no limit for a dimension: generous figures for a
 * 3-broker cluster, so that unregistered dimensions rarely decide utilisation. Bytes out cannot be
 * registered at all; it always takes this default.
 */
export const DEFAULT_CAPACITY: ClusterCapacity = {
  partitions: 4000,
  bytesInPerSec: 50 * 1024 * 1024,
  bytesOutPerSec: 150 * 1024 * 1024,
  storageBytes: 1024 ** 4,
};

const STORAGE_SOURCE = `estimate: retained records (high - low watermark) x ${AVERAGE_RECORD_BYTES} bytes`;

/** Reads the fleet's load: registered clusters and topics, rates from live heartbeats, sizes from Kafka. */
@Injectable()
export class FleetLoadService {
  constructor(
    private readonly repo: FleetRepository,
    private readonly instances: InstanceRepository,
    private readonly kafka: KafkaAdminGateway,
  ) {}

  async view(): Promise<FleetLoadView> {
    const { built, reporting } = await this.build();
    return {
      clusters: built.clusters,
      topics: built.fleet.topics,
      storageSource: STORAGE_SOURCE,
      reportingInstances: reporting,
    };
  }

  async fleetLoad(): Promise<BuiltLoad> {
    return (await this.build()).built;
  }

  private async build(): Promise<{ built: BuiltLoad; reporting: number }> {
    const [clusters, topics, live] = await Promise.all([
      this.all('cluster', (c) => c.id),
      this.all('topic', (t) => t.name),
      this.instances.live(),
    ]);
    const sources: LoadSourceTopic[] = [];
    await Promise.all(
      clusters.map(async (cluster) => {
        const here = topics.filter((t) => t.placement.clusterId === cluster.id);
        // An unreachable cluster must not block planning for the others: its sizes count as unknown (0).
        const retained = await this.kafka
          .retainedRecords(
            cluster,
            here.map((t) => t.placement.physicalTopic),
          )
          .catch(() => new Map<string, number>());
        for (const t of here)
          sources.push({
            name: t.name,
            clusterId: cluster.id,
            partitions: t.partitions,
            migrating: t.state !== 'stable' || t.migration !== undefined,
            retainedRecords: retained.get(t.placement.physicalTopic),
          });
      }),
    );
    sources.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const built = buildFleetLoad(clusters, sources, live, {
      averageRecordBytes: AVERAGE_RECORD_BYTES,
      defaultCapacity: DEFAULT_CAPACITY,
    });
    return { built, reporting: live.filter((i) => Object.keys(i.rates).length > 0).length };
  }

  /** Every entity of a kind; HSCAN may repeat an entry across pages, so they are de-duplicated. */
  private async all<K extends EntityKind>(kind: K, key: (e: Entity[K]) => string): Promise<Entity[K][]> {
    const out = new Map<string, Entity[K]>();
    let cursor = '0';
    do {
      const page = await this.repo.list(kind, cursor, 500);
      for (const item of page.items) out.set(key(item), item);
      cursor = page.nextCursor;
    } while (cursor !== '0');
    return [...out.values()];
  }
}
