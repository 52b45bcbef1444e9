import { Inject, Injectable } from '@nestjs/common';
import type { Migration } from '@kafka-fleet/contracts';
import { NotFoundError } from '@kafka-fleet/core';
import { FleetKeys } from './fleet-keys';
import type { RedisClient } from './redis-client.factory';
import { LeaseLostError, RedisLeases } from './redis-leases';
import { REDIS_CLIENT, REDIS_TIMER, type RedisTimer } from './redis-timer';

/** A stored shuffle: `rev` increases on every write, so concurrent writers never overwrite each other blindly. */
export interface StoredMigration extends Migration {
  readonly rev: number;
}

/**
 * KEYS: 1 migrations hash, 2 the shuffle's lease. ARGV: 1 id, 2 expected rev, 3 new JSON (with
 * rev = expected + 1), 4 the lease owner the write is made under ('' for an operator's write).
 * Returns 1 written, 0 stale rev, -1 lease not held by ARGV[4].
 */
const UPDATE_IF_REV = `
if ARGV[4] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[4] then return -1 end
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
if cjson.decode(current).rev ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;

/**
 * Shuffle records. Phase changes are written together with the topic (one atomic mutation in
 * `FleetRepository`); this repository reads them, writes progress that does not change routing,
 * and holds the per-shuffle lease that keeps two service replicas from driving one shuffle.
 */
@Injectable()
export class MigrationRepository {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    @Inject(REDIS_TIMER) private readonly timer: RedisTimer,
    private readonly leases: RedisLeases,
  ) {
    this.redis.defineCommand('migrationUpdateIfRev', { numberOfKeys: 2, lua: UPDATE_IF_REV });
  }

  private call(name: string, ...args: string[]): Promise<number> {
    const command = (this.redis as unknown as Record<string, (...a: string[]) => Promise<number>>)[name];
    return this.timer.time(`script:${name}`, () => command.call(this.redis, ...args));
  }

  async get(id: string): Promise<StoredMigration | undefined> {
    const raw = await this.timer.time('hget', () => this.redis.hget(FleetKeys.migrations, id));
    return raw ? (JSON.parse(raw) as StoredMigration) : undefined;
  }

  async require(id: string): Promise<StoredMigration> {
    const found = await this.get(id);
    if (!found) throw new NotFoundError('migration', id);
    return found;
  }

  async activeIds(): Promise<string[]> {
    return this.timer.time('smembers', () => this.redis.smembers(FleetKeys.migrationsActive));
  }

  /** Every shuffle of `topic`, newest first (ids sort by creation time). */
  async forTopic(topic: string): Promise<StoredMigration[]> {
    const out: StoredMigration[] = [];
    let cursor = '0';
    do {
      const [next, flat] = await this.timer.time('hscan', () =>
        this.redis.hscan(FleetKeys.migrations, cursor, 'COUNT', 500),
      );
      for (let i = 1; i < flat.length; i += 2) {
        const m = JSON.parse(flat[i]) as StoredMigration;
        if (m.topic === topic) out.push(m);
      }
      cursor = next;
    } while (cursor !== '0');
    return out.sort((a, b) => (a.id < b.id ? 1 : -1));
  }

  /**
   * Writes `next` only if nobody wrote since `current` was read; undefined means re-read and retry.
   * A write the orchestrator makes under the shuffle's lease names its owner (`leaseOwner`) and is
   * refused with LeaseLostError once another replica holds the lease.
   */
  async update(
    current: StoredMigration,
    changes: Partial<Migration>,
    leaseOwner = '',
  ): Promise<StoredMigration | undefined> {
    const next = nextRevision(current, changes);
    const ok = await this.call(
      'migrationUpdateIfRev',
      FleetKeys.migrations,
      FleetKeys.migrationLock(current.id),
      current.id,
      String(current.rev),
      JSON.stringify(next),
      leaseOwner,
    );
    if (ok === -1) throw new LeaseLostError(current.id, 'another replica holds it; the write was refused');
    return ok === 1 ? next : undefined;
  }

  lock(id: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.leases.acquire(FleetKeys.migrationLock(id), owner, ttlMs);
  }

  unlock(id: string, owner: string): Promise<void> {
    return this.leases.release(FleetKeys.migrationLock(id), owner);
  }
}

/** The record that follows `current` after `changes` (next rev, fresh updatedAt). */
export function nextRevision(current: StoredMigration, changes: Partial<Migration>): StoredMigration {
  return { ...current, ...changes, rev: current.rev + 1, updatedAt: new Date().toISOString() };
}
