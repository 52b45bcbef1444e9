import { Inject, Injectable } from '@nestjs/common';
import { UnavailableError } from '@kafka-fleet/core';
import type { RedisClient } from './redis-client.factory';
import { REDIS_CLIENT, REDIS_TIMER, type RedisTimer } from './redis-timer';

/** KEYS: 1 lock key. ARGV: 1 owner, 2 ttl ms. Takes a free lock or renews our own. */
const ACQUIRE_OR_RENEW = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** KEYS: 1 lock key. ARGV: 1 owner. Deletes the lock only if we hold it. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type LeaseCommands = {
  leaseAcquire(key: string, owner: string, ttlMs: string): Promise<number>;
  leaseRelease(key: string, owner: string): Promise<number>;
};

/**
 * Leases in Redis: which replica drives a long-running resource (a shuffle, a rebalance plan).
 * A lease is held until it expires unless its owner renews it every tick.
 */
@Injectable()
export class RedisLeases {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    @Inject(REDIS_TIMER) private readonly timer: RedisTimer,
  ) {
    this.redis.defineCommand('leaseAcquire', { numberOfKeys: 1, lua: ACQUIRE_OR_RENEW });
    this.redis.defineCommand('leaseRelease', { numberOfKeys: 1, lua: RELEASE });
  }

  /** Takes the lease at `key` for `ttlMs`, or renews it if `owner` holds it already. */
  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const redis = this.redis as unknown as LeaseCommands;
    return (
      (await this.timer.time('script:leaseAcquire', () => redis.leaseAcquire(key, owner, String(ttlMs)))) ===
      1
    );
  }

  /** Lets go of a lease we hold (on shutdown), so another replica takes over at once, not after the TTL. */
  async release(key: string, owner: string): Promise<void> {
    const redis = this.redis as unknown as LeaseCommands;
    await this.timer.time('script:leaseRelease', () => redis.leaseRelease(key, owner));
  }
}

/**
 * A step stopped, or a write refused, because the lease may be another replica's now; the next
 * holder redoes the step from what is stored.
 */
export class LeaseLostError extends UnavailableError {
  constructor(id: string, why: string) {
    super(`the lease of ${id} was lost mid-step (${why})`, { retriable: true, context: { id } });
  }
}
