import { randomBytes } from 'node:crypto';
import { writeBenchmarkSection } from '../benchmarks-file';
import { median, startFleetBench, type BenchBackend } from './fleet-bench-setup';
import { rawKafkaJsReader, rawRdkafkaReader, type StartReader } from './raw-consumers';
import { rawRdkafkaSender } from './raw-producers';

/**
 * `npm run bench:consumer` — consumer throughput of our client against the raw backend, same
 * broker, same run: each read drains the same number of pre-written 100 B records from the
 * beginning with a fresh group, our consumer committing every handled record's offset as it
 * promises. Timed from the first record to the last, so group joins do not count.
 */
const COUNT = Number(process.env.BENCH_CONSUME_COUNT ?? 50_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const PARTITIONS = 12;
const PORT = 18093;
const READ_TIMEOUT_MS = 300_000;

/** Records per second between the first and the `COUNT`-th record. */
async function timeRead(start: StartReader): Promise<number> {
  let seen = 0;
  let first = 0;
  let last = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const reader = await start(() => {
    if (seen === 0) first = performance.now();
    if (++seen === COUNT) {
      last = performance.now();
      done();
    }
  });
  try {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      finished,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`read ${seen}/${COUNT} records`)), READ_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
  } finally {
    await reader.close();
  }
  return (COUNT - 1) / ((last - first) / 1000);
}

async function main(): Promise<void> {
  const runId = Date.now().toString(36);
  const backends: BenchBackend[] = ['kafkajs', 'rdkafka'];
  const pairs = backends.map((backend) => ({
    backend,
    rawTopic: `bench.read.raw.${backend}.${runId}`,
    fleetTopic: `bench.read.fleet.${backend}.${runId}`,
  }));
  const bench = await startFleetBench({
    port: PORT,
    redisDb: 13,
    partitions: PARTITIONS,
    pairs,
    access: { produce: false, consume: true },
  });
  const { cluster, fleet } = bench;
  const lines = [
    `Cluster \`${cluster.name}\` (${cluster.brokers.length} brokers), ${PARTITIONS} partitions, ${COUNT} keyed 100 B records read from the beginning by one consumer with a fresh group; records per second from the first record to the last (group joins excluded); median of ${REPEATS} reads each, raw and fleet alternating which goes first. The raw baselines commit as their backend does by default (KafkaJS after each batch, librdkafka every 5 s); kafka-fleet commits every handled record's offset (KafkaJS once per fetched batch, node-rdkafka at most every 100 ms and before partitions go).`,
    '',
    '| backend | raw backend records/s | kafka-fleet records/s | fleet / raw |',
    '|---|---|---|---|',
  ];
  try {
    const payload = randomBytes(100);
    for (const { backend, rawTopic, fleetTopic } of pairs) {
      for (const topic of [rawTopic, fleetTopic]) {
        const writer = await rawRdkafkaSender(cluster, topic);
        for (let from = 0; from < COUNT; from += 1000)
          await writer.send(
            Array.from({ length: Math.min(1000, COUNT - from) }, (_, i) => ({
              key: `key-${(from + i) % 1000}`,
              value: payload,
            })),
          );
        await writer.close();
      }
      const group = (kind: string, i: number) => `bench.read.${kind}.${backend}.${runId}.${i}`;
      const fleetReader =
        (groupId: string): StartReader =>
        async (onRecord) => {
          const consumer = fleet.consumer({ groupId, fromBeginning: true });
          await consumer.subscribe({ topics: [fleetTopic] });
          await consumer.run({ eachMessage: async () => onRecord() });
          return { close: () => consumer.disconnect() };
        };
      const rawReader = backend === 'kafkajs' ? rawKafkaJsReader : rawRdkafkaReader;
      const rawRuns: number[] = [];
      const fleetRuns: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const raw = () => timeRead(rawReader(cluster, rawTopic, group('raw', i)));
        const ours = () => timeRead(fleetReader(group('fleet', i)));
        if (i % 2 === 0) {
          rawRuns.push(await raw());
          fleetRuns.push(await ours());
        } else {
          fleetRuns.push(await ours());
          rawRuns.push(await raw());
        }
        process.stderr.write(
          `${backend} read ${i + 1}: raw ${rawRuns[i].toFixed(0)}/s, fleet ${fleetRuns[i].toFixed(0)}/s\n`,
        );
      }
      const [r, f] = [median(rawRuns), median(fleetRuns)];
      lines.push(`| ${backend} | ${r.toFixed(0)} | ${f.toFixed(0)} | **${((100 * f) / r).toFixed(1)} %** |`);
    }
    writeBenchmarkSection(
      'client-consumer',
      'Client consumer throughput vs the raw backends',
      'npm run bench:consumer',
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
