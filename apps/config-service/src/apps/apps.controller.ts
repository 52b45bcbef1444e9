import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import type { App } from '@kafka-fleet/contracts';
import { Allow } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { intQuery, optionalIntQuery } from '../http/query';
import { FleetRepository } from '../storage/fleet.repository';
import { AppsService } from './apps.service';

@Controller('v1/apps')
export class AppsController {
  constructor(
    private readonly apps: AppsService,
    private readonly repo: FleetRepository,
  ) {}

  @Get()
  @Allow('operator')
  list(@Query('cursor') cursor = '0', @Query('limit') limit?: string) {
    return this.repo.list('app', cursor, intQuery('limit', limit, 100, 1, 1000));
  }

  @Get(':id')
  @Allow('operator')
  get(@Param('id') id: string): Promise<App> {
    return this.repo.require('app', id);
  }

  @Post()
  @Allow('operator')
  create(@Body() body: unknown, @CurrentPrincipal() who: Principal): Promise<App> {
    return this.apps.create(body, who);
  }

  @Put(':id')
  @Allow('operator')
  update(@Param('id') id: string, @Body() body: unknown, @CurrentPrincipal() who: Principal): Promise<App> {
    return this.apps.update(id, body, who);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('admin')
  async remove(
    @Param('id') id: string,
    @Query('version') version: string | undefined,
    @CurrentPrincipal() who: Principal,
  ) {
    await this.apps.remove(id, optionalIntQuery('version', version, 0, Number.MAX_SAFE_INTEGER), who);
  }
}
