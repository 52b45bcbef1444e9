import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import type { Topic } from '@kafka-fleet/contracts';
import { NotFoundError } from '@kafka-fleet/core';
import { Allow } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { intQuery, optionalIntQuery } from '../http/query';
import { FleetRepository } from '../storage/fleet.repository';
import { TopicsService } from './topics.service';

@Controller('v1/topics')
export class TopicsController {
  constructor(
    private readonly topics: TopicsService,
    private readonly repo: FleetRepository,
  ) {}

  @Get()
  @Allow('operator')
  list(@Query('cursor') cursor = '0', @Query('limit') limit?: string) {
    return this.repo.list('topic', cursor, intQuery('limit', limit, 500, 1, 5000));
  }

  @Get(':name')
  @Allow('operator')
  get(@Param('name') name: string): Promise<Topic> {
    return this.repo.require('topic', name);
  }

  /** Partition metadata as last synced from the live cluster (leaders, replicas, ISR, offsets). */
  @Get(':name/partitions')
  @Allow('operator')
  async partitions(@Param('name') name: string): Promise<unknown> {
    const raw = await this.repo.getPartitions(name);
    if (!raw) throw new NotFoundError('partition metadata for topic', name);
    return JSON.parse(raw);
  }

  @Post()
  @Allow('operator')
  onboard(@Body() body: unknown, @CurrentPrincipal() who: Principal): Promise<Topic> {
    return this.topics.onboard(body, who);
  }

  @Patch(':name')
  @Allow('operator')
  patch(
    @Param('name') name: string,
    @Body() body: unknown,
    @CurrentPrincipal() who: Principal,
  ): Promise<Topic> {
    return this.topics.patch(name, body, who);
  }

  @Put(':name/placement')
  @Allow('operator')
  place(
    @Param('name') name: string,
    @Body() body: unknown,
    @CurrentPrincipal() who: Principal,
  ): Promise<Topic> {
    return this.topics.changePlacement(name, body, who);
  }

  @Delete(':name')
  @HttpCode(204)
  @Allow('admin')
  async remove(
    @Param('name') name: string,
    @Query('version') version: string | undefined,
    @CurrentPrincipal() who: Principal,
  ) {
    await this.topics.remove(name, optionalIntQuery('version', version, 0, Number.MAX_SAFE_INTEGER), who);
  }
}
