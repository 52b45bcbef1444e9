import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { createFleetClient, type FleetClient } from '@kafka-fleet/client';
import { createTopic } from '../../tools/raw-backends/topic-admin';
import { defineStack } from '../../tools/stack/stack-definition';
import { stackUp } from '../../tools/stack/stack-control';
import { writeBenchmarkSection } from '../benchmarks-file';
import { startServiceProcess } from '../service-process';
import { rawKafkaJsSender, rawRdkafkaSender, type SendBatch } from './raw-producers';

/**
 * `npm run bench:client` — producer throughput of our client against the raw backend, same broker,
 * same run, acks=all, 100 B and 1 KB records; alternating raw/fleet runs, median of three.
 */
const BATCH = 500;
const CONCURRENCY = 4;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const SIZES = [
  { label: '100 B', bytes: 100, count: Number(process.env.BENCH_COUNT_SMALL ?? 100_000) },
  { label: '1 KB', bytes: 1024, count: Number(process.env.BENCH_COUNT_LARGE ?? 40_000) },
];
const PORT = 18091;

async function drive(send: SendBatch, count: number, bytes: number): Promise<number> {
  const payload = randomBytes(bytes);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const from = next;
        next += BATCH;
        const batch = Array.from({ length: Math.min(BATCH, count - from) }, (_, i) => ({
          key: `key-${(from + i) % 1000}`,
          value: payload,
        }));
        await send(batch);
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const stack = defineStack();
  await stackUp(stack);
  const cluster = stack.clusters[0];
  const redisUrl = `redis://${stack.redis.host}:${stack.redis.port}/14`;
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  const operator = randomBytes(16).toString('hex');
  const appToken = randomBytes(16).toString('hex');
  const service: ChildProcess = await startServiceProcess(stack.rootDir, PORT, redisUrl, [
    { name: 'bench-sre', role: 'operator', token: operator },
    { name: 'bench-app', role: 'app', app: 'bench', token: appToken },
  ]);
  const base = `http://127.0.0.1:${PORT}`;
  const call = (method: string, path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const lines: string[] = [
    `Cluster \`${cluster.name}\` (${cluster.brokers.length} brokers, replication factor ${cluster.replicationFactor}, min.insync.replicas ${cluster.minInsyncReplicas}), acks=all, idempotent producers, ${BATCH}-record batches, ${CONCURRENCY} batches in flight, keyed records; median of ${REPEATS} runs each, raw and fleet alternating which goes first.`,
    '',
    '| backend | record size | raw backend msgs/s | kafka-fleet msgs/s | fleet / raw (target ≥ 97 %) |',
    '|---|---|---|---|---|',
  ];
  const results: Record<string, number> = {};
  const fleets: FleetClient[] = [];
  try {
    await call('POST', '/v1/clusters', { id: cluster.name, bootstrapServers: cluster.bootstrapServers });
    const runId = Date.now().toString(36);
    const cases = (['kafkajs', 'rdkafka'] as const).flatMap((backend) =>
      SIZES.map((size) => ({
        backend,
        size,
        rawTopic: `bench.raw.${backend}.${size.bytes}.${runId}`,
        fleetTopic: `bench.fleet.${backend}.${size.bytes}.${runId}`,
      })),
    );
    for (const c of cases) {
      await createTopic(cluster, c.rawTopic, 12);
      await call('POST', '/v1/topics', {
        name: c.fleetTopic,
        owner: 'bench',
        partitions: 12,
        clusterId: cluster.name,
      });
    }
    // Each fleet topic is routed through the backend under test (per-topic backend choice).
    const topics = Object.fromEntries(
      cases.map((c) => [c.fleetTopic, { produce: true, consume: false, backend: c.backend }]),
    );
    await call('POST', '/v1/apps', { id: 'bench', owner: 'bench', topics });
    const fleet = createFleetClient({ serviceUrl: base, appId: 'bench', token: appToken });
    fleets.push(fleet);
    await fleet.connect();
    const producer = fleet.producer();
    for (const { backend, size, rawTopic, fleetTopic } of cases) {
      const fleetSend: SendBatch = (batch) => producer.send({ topic: fleetTopic, messages: batch });
      const raw =
        backend === 'kafkajs'
          ? await rawKafkaJsSender(cluster, rawTopic)
          : await rawRdkafkaSender(cluster, rawTopic);
      // Warm both paths (connections, metadata, JIT) before measuring.
      await drive(raw.send, 5000, size.bytes);
      await drive(fleetSend, 5000, size.bytes);
      const rawRuns: number[] = [];
      const fleetRuns: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        rawRuns.push(await drive(raw.send, size.count, size.bytes));
        fleetRuns.push(await drive(fleetSend, size.count, size.bytes));
      }
      await raw.close();
      const [r, f] = [median(rawRuns), median(fleetRuns)];
      results[`${backend}-${size.bytes}`] = f;
      lines.push(
        `| ${backend} | ${size.label} | ${r.toFixed(0)} | ${f.toFixed(0)} | **${((100 * f) / r).toFixed(1)} %** |`,
      );
      console.log(
        lines[lines.length - 1],
        `raw runs ${rawRuns.map((x) => x.toFixed(0)).join('/')}, fleet runs ${fleetRuns.map((x) => x.toFixed(0)).join('/')}`,
      );
    }
    lines.push('');
    for (const size of SIZES) {
      lines.push(
        `rdkafka vs KafkaJS through kafka-fleet, ${size.label}: ${((100 * results[`rdkafka-${size.bytes}`]) / results[`kafkajs-${size.bytes}`]).toFixed(0)} %.`,
      );
    }
    console.log(lines.join('\n'));
    writeBenchmarkSection(
      'client-producer',
      'Client producer throughput vs the raw backends',
      'npm run bench:client',
      lines,
    );
  } finally {
    await Promise.all(fleets.map((f) => f.disconnect()));
    service.kill('SIGTERM');
    await redis.flushdb();
    await redis.quit();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
