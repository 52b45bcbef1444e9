import { randomBytes } from 'node:crypto';
import { writeBenchmarkSection } from '../benchmarks-file';
import { median, startFleetBench } from './fleet-bench-setup';
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

async function main(): Promise<void> {
  const runId = Date.now().toString(36);
  const cases = (['kafkajs', 'rdkafka'] as const).flatMap((backend) =>
    SIZES.map((size) => ({
      backend,
      size,
      rawTopic: `bench.raw.${backend}.${size.bytes}.${runId}`,
      fleetTopic: `bench.fleet.${backend}.${size.bytes}.${runId}`,
    })),
  );
  const bench = await startFleetBench({
    port: PORT,
    redisDb: 14,
    partitions: 12,
    pairs: cases,
    access: { produce: true, consume: false },
  });
  const { cluster } = bench;
  const lines: string[] = [
    `Cluster \`${cluster.name}\` (${cluster.brokers.length} brokers, replication factor ${cluster.replicationFactor}, min.insync.replicas ${cluster.minInsyncReplicas}), acks=all, idempotent producers, ${BATCH}-record batches, ${CONCURRENCY} batches in flight, keyed records; median of ${REPEATS} runs each, raw and fleet alternating which goes first.`,
    '',
    '| backend | record size | raw backend msgs/s | kafka-fleet msgs/s | fleet / raw (target ≥ 97 %) |',
    '|---|---|---|---|---|',
  ];
  const results: Record<string, number> = {};
  try {
    const producer = bench.fleet.producer();
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
    writeBenchmarkSection(
      'client-producer',
      'Client producer throughput vs the raw backends',
      'npm run bench:client',
      lines,
    );
  } finally {
    await bench.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
