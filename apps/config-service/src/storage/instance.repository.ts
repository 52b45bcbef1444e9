import { Inject, Injectable } from '@nestjs/common';
import type { Heartbeat } from '@kafka-fleet/contracts';
import { FleetKeys } from './fleet-keys';
import { RedisClock } from './redis-clock';
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
    private readonly clock: RedisClock,
  ) {}

  /** The time leases are judged by: Redis's, the same on every replica. */
  now(): Promise<number> {
    return this.clock.now();
  }

  /**
   * Instances are keyed by app: an instance id is the client's own choice, so another app's
   * instance with the same id must never overwrite this one (nor be overwritten by it).
   */
  async heartbeat(beat: Heartbeat): Promise<StoredInstance> {
    const now = await this.clock.now();
    const field = instanceField(beat);
    const stored: StoredInstance = {
      ...beat,
      lastSeenAt: new Date(now).toISOString(),
      expiresAt: new Date(now + beat.leaseMs).toISOString(),
    };
    await this.timer.time('multi:heartbeat', () =>
      this.redis
        .multi()
        .hset(FleetKeys.instances, field, JSON.stringify(stored))
        .zadd(FleetKeys.instanceLeases, now + beat.leaseMs, field)
        .exec(),
    );
    return stored;
  }

  /**
   * Live instances only: expired leases are removed first (an expired lease counts as gone). `at`
   * is a time read from `now()`, for a caller that compares expiries itself.
   */
  async live(at?: number): Promise<StoredInstance[]> {
    const now = at ?? (await this.clock.now());
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

/** `app/instanceId`: unambiguous, since neither an app id nor an instance id may contain `/`. */
function instanceField(beat: Pick<Heartbeat, 'app' | 'instanceId'>): string {
  return `${beat.app}/${beat.instanceId}`;
}
