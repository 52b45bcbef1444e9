import Redis, { Cluster } from 'ioredis';
import type { ServiceConfig } from '../config/service-config';

export type RedisClient = Redis | Cluster;

/** Standalone, Sentinel or Cluster, chosen by configuration; the rest of the storage layer is the same. */
export function createRedisClient(config: ServiceConfig['redis']): RedisClient {
  const common = { maxRetriesPerRequest: 2, enableReadyCheck: true, connectTimeout: 5000 };
  switch (config.mode) {
    case 'standalone':
      return new Redis(config.url, { ...common, password: config.password });
    case 'sentinel':
      return new Redis({
        ...common,
        sentinels: config.sentinels,
        name: config.name,
        password: config.password,
      });
    case 'cluster':
      return new Cluster(config.nodes, { redisOptions: { ...common, password: config.password } });
  }
}
