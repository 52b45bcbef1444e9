import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Cluster } from '@kafka-fleet/contracts';
import { SERVICE_CONFIG } from '../config/config.tokens';
import type { ServiceConfig } from '../config/service-config';
import { KafkaAdminGateway } from '../kafka/kafka-admin.gateway';
import { ServiceMetrics } from '../metrics/service-metrics';
import { FleetKeys } from '../storage/fleet-keys';
import { FleetRepository } from '../storage/fleet.repository';

export interface SyncResult {
  readonly clusterId: string;
  readonly outcome: 'ok' | 'error';
  readonly topics: number;
  readonly syncedAt: string;
  readonly error?: string;
}

/**
 * Pulls partition metadata (leader, replicas, ISR, offsets) of every logical topic from the
 * cluster it is placed on, periodically and on demand. Also the service's view of which clusters
 * answer, used by the readiness probe.
 */
@Injectable()
export class PartitionSyncService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('partition-sync');
  private timer?: NodeJS.Timeout;
  private readonly reachable = new Map<string, boolean>();

  constructor(
    private readonly repo: FleetRepository,
    private readonly kafka: KafkaAdminGateway,
    private readonly metrics: ServiceMetrics,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.syncIntervalMs <= 0) return;
    const tick = () => {
      void this.syncAll().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.config.syncIntervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  onModuleDestroy(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** True when at least one registered cluster answered its last sync (or there are none yet). */
  anyClusterReachable(): boolean {
    return this.reachable.size === 0 || [...this.reachable.values()].some(Boolean);
  }

  async syncAll(): Promise<SyncResult[]> {
    const results: SyncResult[] = [];
    let cursor = '0';
    do {
      const page = await this.repo.list('cluster', cursor, 100);
      for (const cluster of page.items) results.push(await this.syncCluster(cluster));
      cursor = page.nextCursor;
    } while (cursor !== '0');
    return results;
  }

  async syncCluster(cluster: Cluster): Promise<SyncResult> {
    const syncedAt = new Date().toISOString();
    try {
      const names = await this.repo.members(FleetKeys.placement(cluster.id));
      const topics = [...(await this.repo.getMany('topic', names)).values()];
      const physical = await this.kafka.describePartitions(
        cluster,
        topics.map((t) => t.placement.physicalTopic),
      );
      for (const topic of topics) {
        const partitions = physical.get(topic.placement.physicalTopic);
        if (!partitions) continue;
        await this.repo.putPartitions(
          topic.name,
          JSON.stringify({
            topic: topic.name,
            clusterId: cluster.id,
            physicalTopic: topic.placement.physicalTopic,
            syncedAt,
            partitions,
          }),
        );
      }
      this.reachable.set(cluster.id, true);
      this.metrics.syncResults.inc({ cluster: cluster.id, outcome: 'ok' });
      return { clusterId: cluster.id, outcome: 'ok', topics: physical.size, syncedAt };
    } catch (error) {
      this.reachable.set(cluster.id, false);
      this.metrics.syncResults.inc({ cluster: cluster.id, outcome: 'error' });
      this.logger.warn({
        msg: 'partition sync failed',
        cluster: cluster.id,
        error: (error as Error).message,
      });
      return {
        clusterId: cluster.id,
        outcome: 'error',
        topics: 0,
        syncedAt,
        error: (error as Error).message,
      };
    }
  }
}
