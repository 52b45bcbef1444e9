import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { PlanMoveProgress } from '@kafka-fleet/contracts';
import { KafkaFleetError, stepPlan, type MoveWorld } from '@kafka-fleet/core';
import type { Principal } from '../auth/principal';
import { SERVICE_CONFIG } from '../config/config.tokens';
import type { ServiceConfig } from '../config/service-config';
import { MigrationsService } from '../migrations/migrations.service';
import { LeasedTickLoop } from '../scheduling/leased-tick-loop';
import { FleetRepository } from '../storage/fleet.repository';
import { MigrationRepository, type StoredMigration } from '../storage/migration.repository';
import { RebalancePlanRepository, type StoredPlan } from './rebalance-plan.repository';

const FINAL = new Set(['done', 'failed', 'skipped']);

/**
 * Drives every executing, paused or cancelling plan: each tick reads the plan and the fleet from
 * Redis, decides the next step (`stepPlan`), writes it, then starts the shuffles the step admitted.
 * Like the shuffle orchestrator it holds a Redis lease per plan and keeps nothing only in memory,
 * so a restarted or replacement replica resumes a plan where it stopped.
 */
@Injectable()
export class RebalanceExecutor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('rebalance');
  private readonly loop: LeasedTickLoop;

  constructor(
    private readonly plans: RebalancePlanRepository,
    private readonly repo: FleetRepository,
    private readonly migrationRecords: MigrationRepository,
    private readonly migrations: MigrationsService,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
  ) {
    this.loop = new LeasedTickLoop(
      'rebalance plans',
      {
        activeIds: () => plans.activeIds(),
        lock: (id, owner, ttlMs) => plans.lock(id, owner, ttlMs),
        unlock: (id, owner) => plans.unlock(id, owner),
        drive: (id) => this.drive(id),
        failed: async (id, error) =>
          this.logger.warn(`plan ${id} step failed (will retry): ${(error as Error).message}`),
      },
      // Plans move at the pace of shuffles (seconds); a slower tick than theirs is plenty.
      { intervalMs: Math.max(config.migration.tickMs, 250), lockMs: config.migration.lockMs },
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  nudge(): void {
    this.loop.nudge();
  }

  /** One step of one plan; the loop calls it only while this replica holds the plan's lease. */
  private async drive(id: string): Promise<void> {
    const plan = await this.plans.require(id);
    const step = stepPlan(
      {
        status: plan.status,
        moves: plan.moves,
        maxConcurrentMoves: plan.request.goals.maxConcurrentMoves,
      },
      await this.observe(plan),
      new Date().toISOString(),
    );
    if (!step.changed && step.start.length === 0) return;
    const finished = step.status === 'done' || step.status === 'cancelled';
    const written = await this.plans.update(plan, {
      status: step.status,
      moves: step.moves,
      ...(finished ? { finishedAt: new Date().toISOString() } : {}),
    });
    // Someone (an operator's pause or cancel) wrote in between: decide again on the next tick.
    if (!written) return;
    for (const e of step.events)
      await this.plans.audit(this.actor(id).name, e.action, id, {
        ...(e.topic ? { topic: e.topic } : {}),
        ...e.detail,
      });
    if (finished) this.logger.log(`plan ${id} ${step.status}`);
    const started = new Map<string, Partial<PlanMoveProgress>>();
    for (const i of step.start) started.set(step.moves[i].topic, await this.start(id, step.moves[i]));
    if (started.size > 0) await this.record(id, started);
  }

  /**
   * Starts one move's shuffle. A retriable failure (a cluster briefly unreachable) leaves the move
   * running without a shuffle id, which the next step retries; any other failure fails the move.
   */
  private async start(planId: string, move: PlanMoveProgress): Promise<Partial<PlanMoveProgress>> {
    try {
      const m = await this.migrations.start(move.topic, { targetClusterId: move.to }, this.actor(planId));
      await this.plans.audit(this.actor(planId).name, 'move-start', planId, {
        topic: move.topic,
        from: move.from,
        to: move.to,
        migration: m.id,
      });
      return { migrationId: m.id };
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof KafkaFleetError && error.retriable) {
        this.logger.warn(`plan ${planId}: shuffle of ${move.topic} not started yet: ${message}`);
        return {};
      }
      await this.plans.audit(this.actor(planId).name, 'move-failed', planId, {
        topic: move.topic,
        reason: message,
      });
      return {
        status: 'failed',
        reason: `could not start the shuffle: ${message}`,
        finishedAt: new Date().toISOString(),
      };
    }
  }

  /** Stores the shuffle ids (or failures) of the moves just started, merged into the latest revision. */
  private async record(id: string, started: Map<string, Partial<PlanMoveProgress>>): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const plan = await this.plans.require(id);
      const moves = plan.moves.map((m) => {
        const changes = started.get(m.topic);
        return changes && m.status === 'running' && !m.migrationId ? { ...m, ...changes } : m;
      });
      if (await this.plans.update(plan, { moves })) return;
    }
    // Not lost: the next step adopts each topic's running shuffle towards the move's target.
    this.logger.warn(`plan ${id}: could not record started shuffles; they are adopted on the next tick`);
  }

  /** What `stepPlan` needs to know about each unfinished move's topic and shuffle. */
  private async observe(plan: StoredPlan): Promise<(m: PlanMoveProgress) => MoveWorld> {
    const open = plan.moves.filter((m) => !FINAL.has(m.status));
    const topics = await this.repo.getMany(
      'topic',
      open.map((m) => m.topic),
    );
    const records = new Map<string, StoredMigration | undefined>();
    const shuffle = async (migrationId: string) => {
      if (!records.has(migrationId)) records.set(migrationId, await this.migrationRecords.get(migrationId));
      return records.get(migrationId);
    };
    const worlds = new Map<string, MoveWorld>();
    for (const m of open) {
      const topic = topics.get(m.topic);
      const current = topic?.migration ? await shuffle(topic.migration.id) : undefined;
      const own = m.migrationId ? await shuffle(m.migrationId) : undefined;
      worlds.set(m.topic, {
        ...(topic
          ? {
              topic: {
                clusterId: topic.placement.clusterId,
                ...(topic.migration
                  ? {
                      migration: {
                        id: topic.migration.id,
                        targetClusterId: current?.target.clusterId ?? '',
                      },
                    }
                  : {}),
              },
            }
          : {}),
        ...(own
          ? { migration: { phase: own.phase, ...(own.lastError ? { lastError: own.lastError } : {}) } }
          : {}),
      });
    }
    return (m) => worlds.get(m.topic) ?? {};
  }

  /** Shuffles started by a plan name it, so their audit trail leads back to the plan. */
  private actor(planId: string): Principal {
    return { name: `rebalance-plan:${planId}`, role: 'operator' };
  }
}
