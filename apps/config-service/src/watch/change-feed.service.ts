import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { ChangeEvent } from '@kafka-fleet/contracts';
import { ServiceMetrics } from '../metrics/service-metrics';
import { FleetKeys } from '../storage/fleet-keys';
import { toChange } from '../storage/fleet.repository';
import type { RedisClient } from '../storage/redis-client.factory';
import { REDIS_CLIENT } from '../storage/redis-timer';

export type FeedListener = (event: ChangeEvent | 'shutdown') => void;

/**
 * Follows the Redis change stream with one blocking reader per replica and fans each entry out
 * to this replica's watchers. Every replica reads the same stream, so a write through any replica
 * reaches watchers on all of them.
 */
@Injectable()
export class ChangeFeedService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('change-feed');
  private readonly listeners = new Set<FeedListener>();
  private reader?: RedisClient;
  private running = false;
  /** Shutting down: new watchers are told to go elsewhere at once. */
  private closed = false;
  private loop?: Promise<void>;
  latestVersion = 0;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly metrics: ServiceMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.reader = this.redis.duplicate();
    const [last] = await this.redis.xrevrange(FleetKeys.changes, '+', '-', 'COUNT', 1);
    let lastId = last ? last[0] : '0-0';
    this.latestVersion = Number(lastId.split('-')[0]);
    this.metrics.configVersion.set(this.latestVersion);
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          const result = await this.reader!.xread(
            'COUNT',
            500,
            'BLOCK',
            5000,
            'STREAMS',
            FleetKeys.changes,
            lastId,
          );
          for (const [, entries] of result ?? []) {
            for (const [id, fields] of entries) {
              lastId = id;
              this.publish(toChange(fields));
            }
          }
        } catch (error) {
          if (!this.running) break;
          this.logger.warn({ msg: 'change stream read failed; retrying', error: (error as Error).message });
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    })();
  }

  subscribe(listener: FeedListener): () => void {
    // A watcher that reconnects while this replica shuts down would otherwise hold its stream,
    // and with it the HTTP server's close, open until the watcher gave up (minutes).
    if (this.closed) {
      listener('shutdown');
      return () => undefined;
    }
    this.listeners.add(listener);
    this.metrics.watchers.set(this.listeners.size);
    return () => {
      this.listeners.delete(listener);
      this.metrics.watchers.set(this.listeners.size);
    };
  }

  private publish(event: ChangeEvent): void {
    this.latestVersion = Math.max(this.latestVersion, event.version);
    this.metrics.configVersion.set(this.latestVersion);
    for (const listener of this.listeners) listener(event);
  }

  /** Tells every watcher the replica is going away (they reconnect elsewhere), then stops reading. */
  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    this.running = false;
    for (const listener of [...this.listeners]) listener('shutdown');
    this.reader?.disconnect();
    await this.loop?.catch(() => undefined);
  }
}
