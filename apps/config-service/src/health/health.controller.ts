import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.guard';
import { ServiceMetrics } from '../metrics/service-metrics';
import { FleetRepository } from '../storage/fleet.repository';
import { PartitionSyncService } from '../sync/partition-sync.service';

@Controller()
@Public()
export class HealthController {
  constructor(
    private readonly repo: FleetRepository,
    private readonly sync: PartitionSyncService,
    private readonly metrics: ServiceMetrics,
  ) {}

  /** The process is up and its event loop turns; nothing external is checked (no restart storms). */
  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  /** Ready to serve: Redis answers and at least one registered Kafka cluster answered its last sync. */
  @Get('health/ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const redis = await this.repo.ping().catch(() => false);
    const kafka = this.sync.anyClusterReachable();
    void reply
      .status(redis && kafka ? 200 : 503)
      .send({ status: redis && kafka ? 'ok' : 'unavailable', redis, kafka });
  }

  @Get('metrics')
  async metricsText(@Res() reply: FastifyReply): Promise<void> {
    void reply
      .header('Content-Type', this.metrics.registry.contentType)
      .send(await this.metrics.registry.metrics());
  }
}
