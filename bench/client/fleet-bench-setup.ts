import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { createFleetClient, type FleetClient } from '@kafka-fleet/client';
import { createTopic } from '../../tools/raw-backends/topic-admin';
import { defineStack } from '../../tools/stack/stack-definition';
import type { KafkaClusterSpec } from '../../tools/stack/stack-definition';
import { stackUp } from '../../tools/stack/stack-control';
import { startServiceProcess } from '../service-process';

export type BenchBackend = 'kafkajs' | 'rdkafka';

export interface BenchTopicPair {
  readonly backend: BenchBackend;
  /** Created directly on the cluster, for the raw backend. */
  readonly rawTopic: string;
  /** Onboarded through the service and routed through `backend`. */
  readonly fleetTopic: string;
}

export interface FleetBench {
  readonly cluster: KafkaClusterSpec;
  readonly fleet: FleetClient;
  close(): Promise<void>;
}

/**
 * What the client benchmarks share: the local stack, a config service of their own (own port,
 * own Redis database), and one app whose topics pair a raw topic with a fleet topic per backend.
 */
export async function startFleetBench(options: {
  readonly port: number;
  readonly redisDb: number;
  readonly partitions: number;
  readonly pairs: readonly BenchTopicPair[];
  readonly access: { readonly produce: boolean; readonly consume: boolean };
}): Promise<FleetBench> {
  const stack = defineStack();
  await stackUp(stack);
  const cluster = stack.clusters[0];
  const redisUrl = `redis://${stack.redis.host}:${stack.redis.port}/${options.redisDb}`;
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  const operator = randomBytes(16).toString('hex');
  const appToken = randomBytes(16).toString('hex');
  const service: ChildProcess = await startServiceProcess(stack.rootDir, options.port, redisUrl, [
    { name: 'bench-sre', role: 'operator', token: operator },
    { name: 'bench-app', role: 'app', app: 'bench', token: appToken },
  ]);
  const base = `http://127.0.0.1:${options.port}`;
  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  };
  let fleet: FleetClient | undefined;
  const close = async () => {
    await fleet?.disconnect();
    service.kill('SIGTERM');
    await redis.flushdb();
    await redis.quit();
  };
  try {
    await call('POST', '/v1/clusters', { id: cluster.name, bootstrapServers: cluster.bootstrapServers });
    for (const pair of options.pairs) {
      await createTopic(cluster, pair.rawTopic, options.partitions);
      await call('POST', '/v1/topics', {
        name: pair.fleetTopic,
        owner: 'bench',
        partitions: options.partitions,
        clusterId: cluster.name,
      });
    }
    // Each fleet topic is routed through the backend under test (per-topic backend choice).
    const topics = Object.fromEntries(
      options.pairs.map((p) => [p.fleetTopic, { ...options.access, backend: p.backend }]),
    );
    await call('POST', '/v1/apps', { id: 'bench', owner: 'bench', topics });
    fleet = createFleetClient({ serviceUrl: base, appId: 'bench', token: appToken });
    await fleet.connect();
    return { cluster, fleet, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
