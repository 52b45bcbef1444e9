import { mkdirSync } from 'node:fs';
import { stopConfigServiceDaemon } from './config-service-process';
import {
  assertKafkaJars,
  formatNode,
  isNodeRunning,
  startNode,
  stopNode,
  waitForCluster,
} from './kafka-node';
import { isRedisRunning, startRedis, stopRedis, waitForRedis } from './redis-node';
import type { KafkaClusterSpec, StackDefinition } from './stack-definition';

export interface StackStatus {
  readonly redis: boolean;
  readonly clusters: ReadonlyArray<{ name: string; running: number; total: number }>;
}

export function stackStatus(stack: StackDefinition): StackStatus {
  return {
    redis: isRedisRunning(stack.redis),
    clusters: stack.clusters.map((c) => ({
      name: c.name,
      running: c.brokers.filter(isNodeRunning).length,
      total: c.brokers.length,
    })),
  };
}

export function isStackRunning(stack: StackDefinition): boolean {
  const status = stackStatus(stack);
  return status.redis && status.clusters.every((c) => c.running === c.total);
}

/**
 * Brings the whole stack up and waits until it is ready. Idempotent: what already runs is left
 * alone (a second `up` is harmless). A cluster with no node running starts from fresh data dirs;
 * a cluster with some nodes alive only gets its missing nodes restarted on their existing data,
 * since wiping a node that rejoins a live quorum would throw away replicated state.
 */
export async function stackUp(
  stack: StackDefinition,
  log: (line: string) => void = () => undefined,
): Promise<void> {
  assertKafkaJars(stack);
  mkdirSync(stack.stateDir, { recursive: true });
  const redisWasRunning = isRedisRunning(stack.redis);
  startRedis(stack.redis, !redisWasRunning);
  for (const cluster of stack.clusters) startCluster(stack, cluster, log);
  await waitForRedis(stack.redis);
  log(`redis    ${stack.redis.host}:${stack.redis.port} ready${redisWasRunning ? ' (already running)' : ''}`);
  await Promise.all(
    stack.clusters.map(async (cluster) => {
      await waitForCluster(cluster);
      log(
        `kafka    ${cluster.name.padEnd(6)} ${cluster.brokers.length} broker(s) ready at ${cluster.bootstrapServers.join(',')}`,
      );
    }),
  );
}

function startCluster(stack: StackDefinition, cluster: KafkaClusterSpec, log: (line: string) => void): void {
  const running = cluster.brokers.filter(isNodeRunning);
  const fresh = running.length === 0;
  for (const node of cluster.brokers) {
    if (isNodeRunning(node)) continue;
    if (fresh) formatNode(stack, cluster, node);
    startNode(stack, node);
  }
  if (running.length === cluster.brokers.length) log(`kafka    ${cluster.name} already running`);
}

/** Stops every process (SIGTERM, then waits); safe to run when nothing is up. */
export async function stackDown(
  stack: StackDefinition,
  log: (line: string) => void = () => undefined,
): Promise<void> {
  // The service first: it depends on Redis and Kafka, not the other way round.
  log(`service  ${await stopConfigServiceDaemon(stack)}`);
  await Promise.all(
    stack.clusters.flatMap((cluster) =>
      cluster.brokers.map(async (node) => {
        const outcome = await stopNode(node);
        log(`kafka    ${cluster.name} node ${node.nodeId}: ${outcome}`);
      }),
    ),
  );
  log(`redis    ${await stopRedis(stack.redis)}`);
}
