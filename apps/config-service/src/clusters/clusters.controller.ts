import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import type { Cluster } from '@kafka-fleet/contracts';
import { Allow } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { intQuery, optionalIntQuery } from '../http/query';
import { FleetRepository } from '../storage/fleet.repository';
import { PartitionSyncService, type SyncResult } from '../sync/partition-sync.service';
import { ClustersService } from './clusters.service';

@Controller('v1/clusters')
export class ClustersController {
  constructor(
    private readonly clusters: ClustersService,
    private readonly repo: FleetRepository,
    private readonly sync: PartitionSyncService,
  ) {}

  @Get()
  @Allow('operator')
  list(@Query('cursor') cursor = '0', @Query('limit') limit?: string) {
    return this.repo.list('cluster', cursor, intQuery('limit', limit, 100, 1, 1000));
  }

  @Get(':id')
  @Allow('operator')
  get(@Param('id') id: string): Promise<Cluster> {
    return this.repo.require('cluster', id);
  }

  @Post()
  @Allow('operator')
  create(@Body() body: unknown, @CurrentPrincipal() who: Principal): Promise<Cluster> {
    return this.clusters.create(body, who);
  }

  @Put(':id')
  @Allow('operator')
  update(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() who: Principal,
  ): Promise<Cluster> {
    return this.clusters.update(id, body, who);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('admin')
  async remove(
    @Param('id') id: string,
    @Query('version') version: string | undefined,
    @CurrentPrincipal() who: Principal,
  ) {
    await this.clusters.remove(id, optionalIntQuery('version', version, 0, Number.MAX_SAFE_INTEGER), who);
  }

  /** Syncs partition metadata (leaders, replicas, ISR, offsets) of every topic on the cluster now. */
  @Post(':id/sync')
  @Allow('operator')
  async syncNow(@Param('id') id: string): Promise<SyncResult> {
    return this.sync.syncCluster(await this.repo.require('cluster', id));
  }
}
