import { Inject, Injectable } from '@nestjs/common';
import type { RedisClient } from './redis-client.factory';
import { REDIS_CLIENT } from './redis-timer';

/** How long one reading of the offset to Redis's clock is used before it is taken again. */
const RESYNC_MS = 5000;

/** A source of Redis's time (`TIME`: seconds and microseconds) and of this process's own. */
export interface TimeSources {
  redisTimeMs(): Promise<number>;
  localMs(): number;
}

/**
 * The one clock every replica judges leases by: Redis's. Instance leases are written and expired
 * by whichever replica a heartbeat or a shuffle step lands on, and replicas' clocks drift (a replica
 * 10 s fast dropped instances whose leases had 10 s left). The offset to Redis's clock is measured
 * at the midpoint of a `TIME` round trip and refreshed every few seconds, so reading the clock
 * costs no round trip.
 */
export class LeaseClock {
  private offsetMs?: number;
  private measuredAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly time: TimeSources) {}

  async now(): Promise<number> {
    const local = this.time.localMs();
    if (this.offsetMs === undefined || local - this.measuredAt >= RESYNC_MS) {
      const sent = this.time.localMs();
      const redis = await this.time.redisTimeMs();
      const received = this.time.localMs();
      this.offsetMs = redis - (sent + received) / 2;
      this.measuredAt = received;
      return Math.round(received + this.offsetMs);
    }
    return Math.round(local + this.offsetMs);
  }
}

@Injectable()
export class RedisClock extends LeaseClock {
  constructor(@Inject(REDIS_CLIENT) redis: RedisClient) {
    super({
      redisTimeMs: async () => {
        const [seconds, micros] = await redis.time();
        return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      },
      localMs: () => Date.now(),
    });
  }
}
