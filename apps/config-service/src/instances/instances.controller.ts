import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { heartbeatInput, type InstanceView } from '@kafka-fleet/contracts';
import { validate } from '@kafka-fleet/core';
import { Allow } from '../auth/auth.guard';
import { assertActsFor, type Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { FleetRepository } from '../storage/fleet.repository';
import { InstanceRepository } from '../storage/instance.repository';

@Controller('v1/instances')
export class InstancesController {
  constructor(
    private readonly instances: InstanceRepository,
    private readonly repo: FleetRepository,
  ) {}

  /** Renews the instance's lease and records what it runs; answers with the current config version. */
  @Post('heartbeat')
  @HttpCode(200)
  @Allow('operator', 'app')
  async heartbeat(@Body() body: unknown, @CurrentPrincipal() who: Principal) {
    const beat = validate(heartbeatInput, body);
    assertActsFor(who, beat.app);
    await this.repo.require('app', beat.app);
    const stored = await this.instances.heartbeat(beat);
    return { configVersion: await this.repo.currentVersion(), expiresAt: stored.expiresAt };
  }

  /**
   * Live instances with what they run. `lagging` lists the topics whose applied epoch is behind the
   * current routing epoch: the instances a placement change is still waiting for.
   */
  @Get()
  @Allow('operator')
  async list(
    @Query('app') app?: string,
    @Query('topic') topic?: string,
    @Query('lagging') laggingOnly?: string,
  ): Promise<InstanceView[]> {
    const live = (await this.instances.live()).filter(
      (i) => (!app || i.app === app) && (!topic || topic in i.appliedEpochs),
    );
    const names = [...new Set(live.flatMap((i) => Object.keys(i.appliedEpochs)))];
    const topics = await this.repo.getMany('topic', names);
    const views = live.map((i) => ({
      ...i,
      lagging: Object.entries(i.appliedEpochs)
        .filter(([name, epoch]) => (topics.get(name)?.epoch ?? 0) > epoch)
        .map(([name]) => name),
    }));
    return laggingOnly === 'true' ? views.filter((v) => v.lagging.length > 0) : views;
  }
}
