import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  rebalancePlanRequest,
  type PlanMoveProgress,
  type PlanStatus,
  type RebalancePlanResource,
} from '@kafka-fleet/contracts';
import { ConflictError, createSeededRandom, planRebalance, validate } from '@kafka-fleet/core';
import type { Principal } from '../auth/principal';
import { FleetLoadService } from './fleet-load.service';
import { RebalanceExecutor } from './rebalance-executor';
import { RebalancePlanRepository, type StoredPlan } from './rebalance-plan.repository';

interface Transition {
  readonly action: string;
  readonly from: readonly PlanStatus[];
  readonly to: (plan: StoredPlan) => PlanStatus;
  readonly changes?: (plan: StoredPlan, actor: Principal) => Partial<RebalancePlanResource>;
}

const APPROVE: Transition = {
  action: 'approve',
  from: ['proposed'],
  to: () => 'approved',
  changes: (_p, actor) => ({ approvedBy: actor.name }),
};
const EXECUTE: Transition = {
  action: 'execute',
  from: ['approved'],
  to: () => 'executing',
  changes: (_p, actor) => ({ executedBy: actor.name }),
};
const PAUSE: Transition = { action: 'pause', from: ['executing'], to: () => 'paused' };
const RESUME: Transition = { action: 'resume', from: ['paused'], to: () => 'executing' };
/**
 * Before execution a cancel is immediate; during it, running shuffles are never interrupted (a
 * shuffle past its fence can only go forward), so the plan is `cancelling` until they finish.
 */
const CANCEL: Transition = {
  action: 'cancel',
  from: ['proposed', 'approved', 'executing', 'paused'],
  to: (p) => (p.status === 'executing' || p.status === 'paused' ? 'cancelling' : 'cancelled'),
  changes: (p) =>
    p.status === 'proposed' || p.status === 'approved'
      ? {
          moves: p.moves.map((m): PlanMoveProgress => ({
            ...m,
            status: 'skipped',
            reason: 'plan cancelled',
          })),
          finishedAt: new Date().toISOString(),
        }
      : {},
};

/** The operator's side of rebalance plans: propose (a dry run), inspect, approve, execute, pause, resume, cancel. */
@Injectable()
export class RebalancePlansService {
  constructor(
    private readonly plans: RebalancePlanRepository,
    private readonly load: FleetLoadService,
    private readonly executor: RebalanceExecutor,
  ) {}

  /** Plans against the fleet as it is now and stores the plan as `proposed`; nothing moves yet. */
  async propose(body: unknown, actor: Principal): Promise<RebalancePlanResource> {
    const request = validate(rebalancePlanRequest, body, 'rebalance plan request');
    const { fleet } = await this.load.fleetLoad();
    const plan = planRebalance(fleet, request.goals, createSeededRandom(request.seed), request.mode);
    const waveOf = new Map(plan.waves.flatMap((wave, i) => wave.map((topic) => [topic, i] as const)));
    const now = Date.now();
    const at = new Date(now).toISOString();
    const stored: StoredPlan = {
      id: `${now.toString(36).padStart(9, '0')}-${randomBytes(3).toString('hex')}`,
      status: 'proposed',
      request,
      plan,
      moves: plan.moves.map((m) => ({
        topic: m.topic,
        from: m.from,
        to: m.to,
        wave: waveOf.get(m.topic) ?? 0,
        status: 'pending',
      })),
      createdBy: actor.name,
      createdAt: at,
      updatedAt: at,
      rev: 1,
    };
    await this.plans.create(stored);
    await this.plans.audit(actor.name, 'propose', stored.id, {
      mode: request.mode.kind,
      moves: plan.totals.moves,
      goalsMet: plan.goalsMet.spread && plan.goalsMet.headroom && plan.goalsMet.drained !== false,
    });
    return view(stored);
  }

  async list(): Promise<RebalancePlanResource[]> {
    return (await this.plans.list()).map(view);
  }

  async get(id: string): Promise<RebalancePlanResource> {
    return view(await this.plans.require(id));
  }

  approve(id: string, actor: Principal): Promise<RebalancePlanResource> {
    return this.transition(id, APPROVE, actor);
  }

  execute(id: string, actor: Principal): Promise<RebalancePlanResource> {
    return this.transition(id, EXECUTE, actor);
  }

  pause(id: string, actor: Principal): Promise<RebalancePlanResource> {
    return this.transition(id, PAUSE, actor);
  }

  resume(id: string, actor: Principal): Promise<RebalancePlanResource> {
    return this.transition(id, RESUME, actor);
  }

  cancel(id: string, actor: Principal): Promise<RebalancePlanResource> {
    return this.transition(id, CANCEL, actor);
  }

  /** Compare-and-set on the plan's revision, retried when the executor wrote in between. */
  private async transition(id: string, t: Transition, actor: Principal): Promise<RebalancePlanResource> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const plan = await this.plans.require(id);
      if (!t.from.includes(plan.status))
        throw new ConflictError(
          `plan ${id} is ${plan.status}; "${t.action}" needs it ${t.from.join(' or ')}`,
        );
      const status = t.to(plan);
      const updated = await this.plans.update(plan, { status, ...t.changes?.(plan, actor) });
      if (!updated) continue;
      await this.plans.audit(actor.name, t.action, id, { from: plan.status, to: status });
      this.executor.nudge();
      return view(updated);
    }
    throw new ConflictError(`plan ${id} kept changing; try again`);
  }
}

function view(p: StoredPlan): RebalancePlanResource {
  const { rev: _rev, ...rest } = p;
  return rest;
}
