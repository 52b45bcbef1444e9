import { Body, Controller, Get, HttpCode, Logger, Post, Query } from '@nestjs/common';
import { heartbeatInput, type InstanceView } from '@kafka-fleet/contracts';
import { ValidationError, scopeHeartbeat, validate } from '@kafka-fleet/core';
import { Allow } from '../auth/auth.guard';
import { assertActsFor, type Principal } from '../auth/principal';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ServiceMetrics } from '../metrics/service-metrics';
import { FleetRepository } from '../storage/fleet.repository';
import { InstanceRepository } from '../storage/instance.repository';

@Controller('v1/instances')
export class InstancesController {
  private readonly logger = new Logger('instances');

  constructor(
    private readonly instances: InstanceRepository,
    private readonly repo: FleetRepository,
    private readonly metrics: ServiceMetrics,
  ) {}

  /**
   * Renews the instance's lease and records what it runs; answers with the current config version
   * and the claims it ignored: those about topics the app's profile does not let it use that way
   * (a shuffle waits on producer epochs and consumer groups, so a forged one must not hold it).
   */
  @Post('heartbeat')
  @HttpCode(200)
  @Allow('operator', 'app')
  async heartbeat(@Body() body: unknown, @CurrentPrincipal() who: Principal) {
    const claimed = this.validBeat(body);
    assertActsFor(who, claimed.app);
    const app = await this.repo.require('app', claimed.app);
    const { beat, ignored } = scopeHeartbeat(claimed, new Map(Object.entries(app.topics)));
    if (ignored.length > 0) {
      this.metrics.heartbeatClaimsIgnored.inc(ignored.length);
      this.logger.warn(
        `heartbeat of ${beat.app}/${beat.instanceId} claimed topics outside its profile: ${ignored
          .map((i) => `${i.field}:${i.topic}`)
          .join(', ')}`,
      );
    }
    const stored = await this.instances.heartbeat(beat);
    return { configVersion: await this.repo.currentVersion(), expiresAt: stored.expiresAt, ignored };
  }

  /** A refused heartbeat leaves its instance unseen by shuffles: never silently (warn, count). */
  private validBeat(body: unknown) {
    try {
      return validate(heartbeatInput, body);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      this.metrics.heartbeatsRejected.inc();
      // Field paths and reasons only: a heartbeat's values are the client's, not the log's.
      this.logger.warn(
        `heartbeat refused: ${error.fields.map((f) => `${f.path}: ${f.reason}`).join('; ') || error.message}`,
      );
      throw error;
    }
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
      (i) => (!app || i.app === app) && (!topic || Object.hasOwn(i.appliedEpochs, topic)),
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
