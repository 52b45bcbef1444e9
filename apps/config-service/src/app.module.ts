import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AppsController } from './apps/apps.controller';
import { AppsService } from './apps/apps.service';
import { AuditController } from './audit/audit.controller';
import { AuthGuard } from './auth/auth.guard';
import { TokenRegistry } from './auth/token-registry';
import { WhoamiController } from './auth/whoami.controller';
import { ClustersController } from './clusters/clusters.controller';
import { ClustersService } from './clusters/clusters.service';
import { SERVICE_CONFIG } from './config/config.tokens';
import type { ServiceConfig } from './config/service-config';
import { GroupsController } from './groups/groups.controller';
import { GroupsService } from './groups/groups.service';
import { HealthController } from './health/health.controller';
import { ErrorFilter } from './http/error.filter';
import { InstancesController } from './instances/instances.controller';
import { StableEndReader } from './kafka/stable-end.reader';
import { StragglerSweeper } from './kafka/straggler-sweeper';
import { MigrationOrchestrator } from './migrations/migration-orchestrator';
import { MigrationSteps } from './migrations/migration-steps';
import { MigrationWriter } from './migrations/migration-writer';
import { ErasController } from './migrations/eras.controller';
import { ErasService } from './migrations/eras.service';
import { MigrationsController } from './migrations/migrations.controller';
import { MigrationsService } from './migrations/migrations.service';
import { MigrationRepository } from './storage/migration.repository';
import { RedisClock } from './storage/redis-clock';
import { RedisLeases } from './storage/redis-leases';
import { RedisReplication } from './storage/redis-replication';
import { DocsController } from './openapi/docs.controller';
import { KafkaAdminGateway } from './kafka/kafka-admin.gateway';
import { ServiceMetrics } from './metrics/service-metrics';
import { SnapshotController } from './resolve/snapshot.controller';
import { FleetRepository } from './storage/fleet.repository';
import { InstanceRepository } from './storage/instance.repository';
import { createRedisClient, type RedisClient } from './storage/redis-client.factory';
import { REDIS_CLIENT, REDIS_TIMER } from './storage/redis-timer';
import { FleetLoadService } from './rebalance/fleet-load.service';
import { RebalanceExecutor } from './rebalance/rebalance-executor';
import { RebalancePlanRepository } from './rebalance/rebalance-plan.repository';
import { LoadController, RebalancePlansController } from './rebalance/rebalance.controller';
import { RebalancePlansService } from './rebalance/rebalance-plans.service';
import { PartitionSyncService } from './sync/partition-sync.service';
import { TopicsController } from './topics/topics.controller';
import { TopicsService } from './topics/topics.service';
import { ChangeFeedService } from './watch/change-feed.service';
import { WatchController } from './watch/watch.controller';

/** Closes the shared Redis connection last, after every other component has shut down. */
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: RedisClient) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Module({})
export class AppModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: AppModule,
      controllers: [
        ClustersController,
        TopicsController,
        MigrationsController,
        ErasController,
        LoadController,
        RebalancePlansController,
        AppsController,
        GroupsController,
        SnapshotController,
        InstancesController,
        AuditController,
        WatchController,
        HealthController,
        DocsController,
        WhoamiController,
      ],
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        { provide: REDIS_CLIENT, useFactory: () => createRedisClient(config.redis) },
        ServiceMetrics,
        { provide: REDIS_TIMER, useExisting: ServiceMetrics },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        RedisLifecycle,
        TokenRegistry,
        FleetRepository,
        InstanceRepository,
        KafkaAdminGateway,
        PartitionSyncService,
        ChangeFeedService,
        ClustersService,
        TopicsService,
        AppsService,
        GroupsService,
        MigrationRepository,
        RedisLeases,
        RedisReplication,
        RedisClock,
        StragglerSweeper,
        StableEndReader,
        MigrationWriter,
        MigrationSteps,
        MigrationOrchestrator,
        MigrationsService,
        ErasService,
        FleetLoadService,
        RebalancePlanRepository,
        RebalanceExecutor,
        RebalancePlansService,
      ],
    };
  }
}
