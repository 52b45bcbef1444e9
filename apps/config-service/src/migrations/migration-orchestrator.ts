import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { MigrationPhaseName, Topic } from '@kafka-fleet/contracts';
import { TERMINAL_PHASES } from '@kafka-fleet/core';
import { SERVICE_CONFIG } from '../config/config.tokens';
import type { ServiceConfig } from '../config/service-config';
import { ServiceMetrics } from '../metrics/service-metrics';
import { LeasedTickLoop, type LeaseGuard } from '../scheduling/leased-tick-loop';
import { FleetRepository } from '../storage/fleet.repository';
import { MigrationRepository, type StoredMigration } from '../storage/migration.repository';
import { RedisReplication } from '../storage/redis-replication';
import { MigrationSteps } from './migration-steps';

type Step = (m: StoredMigration, topic: Topic, lease: LeaseGuard) => Promise<void>;

/**
 * Drives every unfinished shuffle, one step per tick. Any replica may drive any shuffle, but only
 * while it holds that shuffle's lease in Redis; a replica that dies loses the lease and another
 * resumes from the stored phase. Nothing a step needs lives only in memory.
 */
@Injectable()
export class MigrationOrchestrator implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('migrations');
  private readonly steps: Partial<Record<MigrationPhaseName, Step>>;
  private readonly loop: LeasedTickLoop;

  constructor(
    private readonly repo: FleetRepository,
    private readonly migrations: MigrationRepository,
    steps: MigrationSteps,
    private readonly metrics: ServiceMetrics,
    private readonly replication: RedisReplication,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
  ) {
    this.steps = {
      prepare: (m, t, lease) => steps.prepare(m, t, lease),
      'switch-producers': (m, t, lease) => steps.switchProducers(m, t, lease),
      fence: (m, t, lease) => steps.fence(m, t, lease),
      'drain-consumers': (m, t, lease) => steps.drainConsumers(m, t, lease),
      complete: (m, t, lease) => steps.complete(m, t, lease),
    };
    this.loop = new LeasedTickLoop(
      'shuffles',
      {
        activeIds: () => migrations.activeIds(),
        lock: (id, owner, ttlMs) => migrations.lock(id, owner, ttlMs),
        unlock: (id, owner) => migrations.unlock(id, owner),
        drive: (id, lease) => this.drive(id, lease),
        failed: (id, error, lease) => this.recordError(id, error, lease),
        // Only the shuffles this replica drives are reported by it, each under its current phase only.
        beforeTick: () => {
          this.metrics.migrationsActive.reset();
          this.metrics.migrationPhaseAge.reset();
        },
      },
      { intervalMs: config.migration.tickMs, lockMs: config.migration.lockMs },
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  /** Runs a tick now (after starting a shuffle, so the first phase does not wait for the timer). */
  nudge(): void {
    this.loop.nudge();
  }

  /** One step of one shuffle; the loop calls it only while this replica holds the shuffle's lease. */
  private async drive(id: string, lease: LeaseGuard): Promise<void> {
    const m = await this.migrations.require(id);
    if (TERMINAL_PHASES.includes(m.phase)) return;
    this.observe(m);
    if (m.holdAt.includes(m.phase)) {
      if (!m.held) await this.migrations.update(m, { held: true }, lease.owner);
      return;
    }
    const topic = await this.repo.require('topic', m.topic);
    if (topic.migration?.id !== m.id) {
      this.logger.error(`shuffle ${id} does not match topic ${m.topic}; leaving it for an operator`);
      return;
    }
    // A step acts on the state it starts from (fences a topic, sweeps): that state must survive a
    // Redis failover first, or a promoted replica could send the shuffle back behind what was done.
    await this.replication.awaitReplicas(`shuffle ${id} in ${m.phase}`);
    lease.assertHeld();
    await this.steps[m.phase]?.(m, topic, lease);
  }

  private observe(m: StoredMigration): void {
    const now = Date.now();
    this.metrics.migrationsActive.inc({ phase: m.phase });
    const entered = m.history[m.history.length - 1]?.enteredAt ?? now;
    this.metrics.migrationPhaseAge.set({ topic: m.topic, phase: m.phase }, (now - entered) / 1000);
  }

  /** A failed step is retried on the next tick; the last error is shown in the shuffle's status. */
  private async recordError(id: string, error: unknown, lease: LeaseGuard): Promise<void> {
    const message = (error as Error).message;
    this.logger.warn(`shuffle ${id} step failed (will retry): ${message}`);
    const m = await this.migrations.get(id).catch(() => undefined);
    if (m && m.lastError !== message)
      await this.migrations.update(m, { lastError: message }, lease.owner).catch(() => undefined);
  }
}
