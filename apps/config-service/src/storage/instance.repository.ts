import { Inject, Injectable } from '@nestjs/common';
import type { Heartbeat } from '@kafka-fleet/contracts';
import { FleetKeys } from './fleet-keys';
import type { RedisClient } from './redis-client.factory';
import { REDIS_CLIENT, REDIS_TIMER, type RedisTimer } from './redis-timer';

export interface StoredInstance extends Heartbeat {
  readonly lastSeenAt: string;
  readonly expiresAt: string;
}

/**
 * Client instances and their leases. Heartbeats are frequent and are not configuration, so they
 * neither bump the config version nor enter the change feed; a sorted set of lease expiries lets
 * any replica drop expired instances in one step.
 */
@Injectable()
export class InstanceRepository {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    @Inject(REDIS_TIMER) private readonly timer: RedisTimer,
  ) {}

  async heartbeat(beat: Heartbeat, now = Date.now()): Promise<StoredInstance> {
    const stored: StoredInstance = {
      ...beat,
      lastSeenAt: new Date(now).toISOString(),
      expiresAt: new Date(now + beat.leaseMs).toISOString(),
    };
    await this.timer.time('multi:heartbeat', () =>
      this.redis
        .multi()
        .hset(FleetKeys.instances, beat.instanceId, JSON.stringify(stored))
        .zadd(FleetKeys.instanceLeases, now + beat.leaseMs, beat.instanceId)
        .exec(),
    );
    return stored;
  }

  /** Live instances only: expired leases are removed first (an expired lease counts as gone). */
  async live(now = Date.now()): Promise<StoredInstance[]> {
    const expired = await this.timer.time('zrangebyscore', () =>
      this.redis.zrangebyscore(FleetKeys.instanceLeases, '-inf', now),
    );
    if (expired.length > 0) {
      await this.timer.time('multi:expire', () =>
        this.redis
          .multi()
          .hdel(FleetKeys.instances, ...expired)
          .zrem(FleetKeys.instanceLeases, ...expired)
          .exec(),
      );
    }
    const all = await this.timer.time('hvals', () => this.redis.hvals(FleetKeys.instances));
    return all.map((raw) => JSON.parse(raw) as StoredInstance).filter((i) => Date.parse(i.expiresAt) > now);
  }
}
