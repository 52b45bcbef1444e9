import { Inject, Injectable } from '@nestjs/common';
import type { AuditEntry, RebalancePlanResource } from '@kafka-fleet/contracts';
import { NotFoundError } from '@kafka-fleet/core';
import { SERVICE_CONFIG } from '../config/config.tokens';
import type { ServiceConfig } from '../config/service-config';
import { FleetKeys } from '../storage/fleet-keys';
import type { RedisClient } from '../storage/redis-client.factory';
import { RedisLeases } from '../storage/redis-leases';
import { REDIS_CLIENT, REDIS_TIMER, type RedisTimer } from '../storage/redis-timer';

/**
 * KEYS: 1 plans hash, 2 active set. ARGV: 1 id, 2 expected rev, 3 new JSON, 4 '1' if active.
 * The plan and its membership of the active set change together: a plan marked executing but
 * missing from the set would never be driven.
 */
const UPDATE_PLAN_IF_REV = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
if cjson.decode(current).rev ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if ARGV[4] == '1' then redis.call('SADD', KEYS[2], ARGV[1]) else redis.call('SREM', KEYS[2], ARGV[1]) end
return 1
`;

/** A stored plan: `rev` increases on every write, so the API and the executor never overwrite each other. */
export interface StoredPlan extends RebalancePlanResource {
  readonly rev: number;
}

/**
 * Rebalance plans in Redis: one hash of plans, a set of the ones the executor must drive, a lease
 * per plan, and the audit stream every plan action is written to. Plans are not fleet
 * configuration (clients never route by them), so they bypass the versioned change feed; the
 * shuffles they start go through it as usual.
 */
@Injectable()
export class RebalancePlanRepository {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    @Inject(REDIS_TIMER) private readonly timer: RedisTimer,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly leases: RedisLeases,
  ) {
    this.redis.defineCommand('planUpdateIfRev', { numberOfKeys: 2, lua: UPDATE_PLAN_IF_REV });
  }

  private call(name: string, ...args: string[]): Promise<number> {
    const command = (this.redis as unknown as Record<string, (...a: string[]) => Promise<number>>)[name];
    return this.timer.time(`script:${name}`, () => command.call(this.redis, ...args));
  }

  async create(plan: StoredPlan): Promise<void> {
    await this.timer.time('hset', () =>
      this.redis.hset(FleetKeys.rebalancePlans, plan.id, JSON.stringify(plan)),
    );
  }

  async get(id: string): Promise<StoredPlan | undefined> {
    const raw = await this.timer.time('hget', () => this.redis.hget(FleetKeys.rebalancePlans, id));
    return raw ? (JSON.parse(raw) as StoredPlan) : undefined;
  }

  async require(id: string): Promise<StoredPlan> {
    const found = await this.get(id);
    if (!found) throw new NotFoundError('rebalance plan', id);
    return found;
  }

  /** Every plan, newest first (ids sort by creation time). */
  async list(): Promise<StoredPlan[]> {
    const all = await this.timer.time('hvals', () => this.redis.hvals(FleetKeys.rebalancePlans));
    return all.map((raw) => JSON.parse(raw) as StoredPlan).sort((a, b) => (a.id < b.id ? 1 : -1));
  }

  async activeIds(): Promise<string[]> {
    return this.timer.time('smembers', () => this.redis.smembers(FleetKeys.rebalancePlansActive));
  }

  /**
   * Writes the next revision only if nobody wrote since `current` was read (undefined: re-read and
   * retry), and keeps the active set in step with the status in the same atomic step.
   */
  async update(
    current: StoredPlan,
    changes: Partial<RebalancePlanResource>,
  ): Promise<StoredPlan | undefined> {
    const next: StoredPlan = {
      ...current,
      ...changes,
      rev: current.rev + 1,
      updatedAt: new Date().toISOString(),
    };
    const active = ['executing', 'paused', 'cancelling'].includes(next.status);
    const ok = await this.call(
      'planUpdateIfRev',
      FleetKeys.rebalancePlans,
      FleetKeys.rebalancePlansActive,
      current.id,
      String(current.rev),
      JSON.stringify(next),
      active ? '1' : '0',
    );
    if (ok !== 1) return undefined;
    return next;
  }

  lock(id: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.leases.acquire(FleetKeys.rebalancePlanLock(id), owner, ttlMs);
  }

  unlock(id: string, owner: string): Promise<void> {
    return this.leases.release(FleetKeys.rebalancePlanLock(id), owner);
  }

  /** Appends to the same audit stream as configuration changes (kind `rebalance-plan`). */
  async audit(actor: string, action: string, planId: string, detail: Record<string, unknown>): Promise<void> {
    const version = (await this.redis.get(FleetKeys.version)) ?? '0';
    const fields: Omit<AuditEntry, 'id' | 'detail'> & { detail: string } = {
      at: new Date().toISOString(),
      actor,
      action,
      kind: 'rebalance-plan',
      entity: planId,
      version: Number(version),
      detail: JSON.stringify(detail),
    };
    await this.timer.time('xadd', () =>
      this.redis.xadd(
        FleetKeys.audit,
        'MAXLEN',
        '~',
        String(this.config.auditMaxLen),
        '*',
        ...Object.entries(fields).flatMap(([k, v]) => [k, String(v)]),
      ),
    );
  }
}
