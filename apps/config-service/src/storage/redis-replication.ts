import { Inject, Injectable } from '@nestjs/common';
import { UnavailableError } from '@kafka-fleet/core';
import Redis from 'ioredis';
import { SERVICE_CONFIG } from '../config/config.tokens';
import type { ServiceConfig } from '../config/service-config';
import type { RedisClient } from './redis-client.factory';
import { REDIS_CLIENT, REDIS_TIMER, type RedisTimer } from './redis-timer';

/**
 * Replication is asynchronous: a write a primary acknowledged can be lost when a replica is
 * promoted before it got it. For the writes a shuffle depends on (a lost phase change can roll a
 * topic back to its source, and a `prepare` run again moves the floor above records producers
 * already wrote), the service waits with `WAIT` until `KF_REDIS_WAIT_REPLICAS` replicas hold
 * them, and refuses to go on (a retriable error) when they do not within the timeout.
 *
 * WAIT counts what the replicas acknowledged of *this connection's* writes: called right after
 * this replica's own write (its lease renewal comes just before every shuffle step), it covers
 * everything the primary had before, whoever wrote it.
 */
@Injectable()
export class RedisReplication {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    @Inject(REDIS_TIMER) private readonly timer: RedisTimer,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  /** Resolves once the configured number of replicas hold every write made so far; a no-op when 0. */
  async awaitReplicas(what: string): Promise<void> {
    const { waitReplicas, waitTimeoutMs } = this.config.redisReplication;
    if (waitReplicas === 0) return;
    // In Cluster mode the writes went to the primary of the `{kf}` slot; asking every primary
    // reaches it (the others answer at once with what they have).
    const primaries = this.redis instanceof Redis ? [this.redis] : this.redis.nodes('master');
    const acked = await this.timer.time('wait', async () =>
      Math.min(...(await Promise.all(primaries.map((p) => p.wait(waitReplicas, waitTimeoutMs))))),
    );
    if (acked < waitReplicas)
      throw new UnavailableError(
        `${what}: reached ${acked} of ${waitReplicas} Redis replica(s) within ${waitTimeoutMs} ms; will retry`,
        { context: { acked, wanted: waitReplicas } },
      );
  }
}
