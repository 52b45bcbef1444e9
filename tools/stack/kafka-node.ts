import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { isRunning, startDaemon, stopProcess, waitFor } from './process-control';
import { LOG4J2_PROPERTIES, renderServerProperties } from './server-properties';
import type { BrokerNode, KafkaClusterSpec, StackDefinition } from './stack-definition';

/** Starts, stops and probes the Kafka nodes of one cluster, from the jars Maven copied. */

export function assertKafkaJars(stack: StackDefinition): void {
  const present =
    existsSync(stack.kafkaLibsDir) && readdirSync(stack.kafkaLibsDir).some((f) => /^kafka_2\.13-/.test(f));
  if (!present) {
    throw new Error(
      `Kafka jars not found in ${stack.kafkaLibsDir}. Run \`npm run stack:fetch\` (Maven copies them there).`,
    );
  }
}

export function isNodeRunning(node: BrokerNode): boolean {
  return isRunning(node.pidFile, node.configFile);
}

/** Writes the node's configuration and formats a fresh data dir (KRaft needs `format` before the first start). */
export function formatNode(stack: StackDefinition, cluster: KafkaClusterSpec, node: BrokerNode): void {
  rmSync(node.dataDir, { recursive: true, force: true });
  mkdirSync(node.dataDir, { recursive: true });
  writeFileSync(node.configFile, renderServerProperties(cluster, node));
  writeFileSync(log4jFile(node), LOG4J2_PROPERTIES);
  const result = spawnSync(
    'java',
    [
      ...jvmArgs(stack, node, 256),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      cluster.kafkaClusterId,
      '-c',
      node.configFile,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(
      `formatting ${cluster.name} node ${node.nodeId} failed:\n${result.stderr || result.stdout}`,
    );
  }
}

export function startNode(stack: StackDefinition, node: BrokerNode): void {
  if (isNodeRunning(node)) return;
  startDaemon(
    'java',
    [...jvmArgs(stack, node, stack.brokerHeapMb), 'kafka.Kafka', node.configFile],
    node.logFile,
    node.pidFile,
  );
}

/** SIGTERM lets Kafka run its controlled shutdown; SIGKILL simulates a crash (used by failure tests). */
export function stopNode(node: BrokerNode, signal: NodeJS.Signals = 'SIGTERM'): Promise<string> {
  return stopProcess(node.pidFile, 60_000, signal);
}

/**
 * Ready means "answers a metadata request listing every broker of the cluster", asked of each
 * given node: an open port alone says nothing about the controller quorum having formed.
 */
export async function waitForCluster(
  cluster: KafkaClusterSpec,
  nodes: readonly BrokerNode[] = cluster.brokers,
  timeoutMs = 90_000,
): Promise<void> {
  for (const node of nodes) {
    await waitFor(
      `Kafka ${cluster.name} node ${node.nodeId} (${node.host}:${node.port})`,
      async () => (await describeBrokers([`${node.host}:${node.port}`])) === cluster.brokers.length,
      timeoutMs,
      500,
    );
  }
}

async function describeBrokers(bootstrap: string[]): Promise<number> {
  const admin = new Kafka({
    clientId: 'kafka-fleet-stack-probe',
    brokers: bootstrap,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const { brokers, controller } = await admin.describeCluster();
    return controller === null || controller < 0 ? 0 : brokers.length;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function log4jFile(node: BrokerNode): string {
  return resolve(dirname(node.configFile), 'log4j2.properties');
}

function jvmArgs(stack: StackDefinition, node: BrokerNode, heapMb: number): string[] {
  return [
    `-Xms${Math.min(256, heapMb)}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4jFile(node)}`,
    // Java expands the trailing `*` itself; no shell involved.
    '-cp',
    `${stack.kafkaLibsDir}/*`,
  ];
}
