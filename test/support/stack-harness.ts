import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { adminFor, createTopic } from '../../tools/raw-backends/topic-admin';
import { startNode, stopNode, waitForCluster } from '../../tools/stack/kafka-node';
import {
  defineStack,
  type BrokerNode,
  type KafkaClusterSpec,
  type RedisSpec,
} from '../../tools/stack/stack-definition';

/**
 * What an integration test asks of the stack: "a cluster with three brokers", "two clusters",
 * "redis". Asking for something the stack cannot give fails the test with a clear message rather
 * than silently testing less.
 */
export { adminFor, createTopic };

const stack = defineStack();

export function clusterWithBrokers(minBrokers: number): KafkaClusterSpec {
  const cluster = stack.clusters.find((c) => c.brokers.length >= minBrokers);
  if (!cluster) throw new Error(`the stack has no cluster with ${minBrokers} brokers`);
  return cluster;
}

export function twoClusters(): [KafkaClusterSpec, KafkaClusterSpec] {
  if (stack.clusters.length < 2) throw new Error('the stack defines fewer than two clusters');
  return [stack.clusters[0], stack.clusters[1]];
}

export function allClusters(): readonly KafkaClusterSpec[] {
  return stack.clusters;
}

export function redis(): RedisSpec {
  return stack.redis;
}

let counter = 0;

/** A topic name unique to this test (and this run), readable in broker logs. */
export function uniqueTopic(label = 'topic'): string {
  const testName = expect.getState().currentTestName ?? 'test';
  const slug = `${testName}-${label}`
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .slice(0, 120);
  counter += 1;
  return `it.${slug}.${process.pid}-${Date.now().toString(36)}-${counter}`;
}

/** Crash (SIGKILL) or stop (SIGTERM) one broker; `restartBroker` brings it back on its data. */
export function killBroker(node: BrokerNode, signal: NodeJS.Signals = 'SIGKILL'): Promise<string> {
  return stopNode(node, signal);
}

/**
 * Freezes one broker (SIGSTOP): its connections stay open and its requests hang, as on a broker
 * stuck in a long GC pause. Returns the thaw (SIGCONT). With `thawAfterMs` a process of its own
 * thaws it too, so the thaw comes even if this process's event loop is blocked (which is what
 * some tests look for).
 */
export function freezeBroker(node: BrokerNode, thawAfterMs?: number): () => void {
  const pid = Number(readFileSync(node.pidFile, 'utf8').trim());
  process.kill(pid, 'SIGSTOP');
  if (thawAfterMs !== undefined)
    spawn('sh', ['-c', `sleep ${thawAfterMs / 1000}; kill -CONT ${pid}`], {
      detached: true,
      stdio: 'ignore',
    }).unref();
  return () => process.kill(pid, 'SIGCONT');
}

/** The broker leading `partition` of `topic` now. */
export async function leaderOf(
  cluster: KafkaClusterSpec,
  topic: string,
  partition: number,
): Promise<BrokerNode> {
  const admin = adminFor(cluster);
  await admin.connect();
  try {
    const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const id = meta.partitions.find((p) => p.partitionId === partition)?.leader;
    const node = cluster.brokers.find((b) => b.nodeId === id);
    if (!node) throw new Error(`no broker leads ${topic}-${partition}`);
    return node;
  } finally {
    await admin.disconnect();
  }
}

export async function restartBroker(cluster: KafkaClusterSpec, node: BrokerNode): Promise<void> {
  startNode(stack, node);
  await waitForCluster(cluster, [node]);
}
