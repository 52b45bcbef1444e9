import { mkdirSync, rmSync } from 'node:fs';
import Redis from 'ioredis';
import { isRunning, startDaemon, stopProcess, waitFor } from './process-control';
import type { RedisSpec } from './stack-definition';

/** Our own redis-server on its own port and data dir: never the one that may already run on 6379. */

export function isRedisRunning(redis: RedisSpec): boolean {
  return isRunning(redis.pidFile, `:${redis.port}`);
}

export function startRedis(redis: RedisSpec, fresh: boolean): void {
  if (isRedisRunning(redis)) return;
  if (fresh) rmSync(redis.dataDir, { recursive: true, force: true });
  mkdirSync(redis.dataDir, { recursive: true });
  const binary = process.env.KF_REDIS_SERVER ?? 'redis-server';
  startDaemon(
    binary,
    [
      '--bind',
      redis.host,
      '--port',
      String(redis.port),
      '--dir',
      redis.dataDir,
      // The config service's store must survive a Redis restart: append-only file, fsync each second.
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
      // One database per integration-test file keeps files isolated; 16 is not enough for them.
      '--databases',
      '64',
    ],
    redis.logFile,
    redis.pidFile,
  );
}

export function stopRedis(redis: RedisSpec): Promise<string> {
  return stopProcess(redis.pidFile, 15_000);
}

export function waitForRedis(redis: RedisSpec, timeoutMs = 15_000): Promise<void> {
  return waitFor(
    `Redis on ${redis.host}:${redis.port}`,
    async () => {
      const client = new Redis({
        host: redis.host,
        port: redis.port,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => null,
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } finally {
        client.disconnect();
      }
    },
    timeoutMs,
    200,
  );
}
