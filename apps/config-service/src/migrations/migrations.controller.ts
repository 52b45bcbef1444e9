import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { Migration } from '@kafka-fleet/contracts';
import { Allow } from '../auth/auth.guard';
import type { Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { MigrationsService } from './migrations.service';

/** Shuffles of one logical topic: a move to another cluster with nothing lost, duplicated or reordered. */
@Controller('v1/topics/:name/migrations')
export class MigrationsController {
  constructor(private readonly migrations: MigrationsService) {}

  /** Starts a shuffle; 202 because it runs on after the answer (follow it with GET). */
  @Post()
  @HttpCode(202)
  @Allow('operator')
  start(
    @Param('name') name: string,
    @Body() body: unknown,
    @CurrentPrincipal() who: Principal,
  ): Promise<Migration> {
    return this.migrations.start(name, body, who);
  }

  /** Every shuffle of the topic, newest first. */
  @Get()
  @Allow('operator')
  list(@Param('name') name: string): Promise<Migration[]> {
    return this.migrations.list(name);
  }

  @Get(':id')
  @Allow('operator')
  get(@Param('name') name: string, @Param('id') id: string): Promise<Migration> {
    return this.migrations.get(name, id);
  }

  @Post(':id/abort')
  @HttpCode(200)
  @Allow('operator')
  abort(
    @Param('name') name: string,
    @Param('id') id: string,
    @CurrentPrincipal() who: Principal,
  ): Promise<Migration> {
    return this.migrations.abort(name, id, who);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Allow('operator')
  resume(@Param('name') name: string, @Param('id') id: string): Promise<Migration> {
    return this.migrations.resume(name, id);
  }
}
