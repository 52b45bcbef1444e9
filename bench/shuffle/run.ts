import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type { Migration } from '@kafka-fleet/contracts';
import { createFleetClient, type FleetClient } from '@kafka-fleet/client';
import { defineStack } from '../../tools/stack/stack-definition';
import { stackUp } from '../../tools/stack/stack-control';
import { writeBenchmarkSection } from '../benchmarks-file';
import { rawKafkaJsSender, rawRdkafkaSender } from '../client/raw-producers';
import { startServiceProcess } from '../service-process';
import { PacedLoad, percentiles, reorderedBatches, type SentBatch } from './paced-load';
import { startReaders } from './readers';
import { createTopic } from '../../tools/raw-backends/topic-admin';

/**
 * `npm run bench:shuffle` — a topic shuffled alpha → beta under a steady open-loop load: the
 * producer stall (latency of batches due while the shuffle runs, vs. before it and vs. the raw
 * backend at the same rate in the same run) and the shuffle's total duration, with the counts.
 */
// 1,000 msgs/s: at 10,000 the raw backends alone were saturated on this 2-core machine (raw KafkaJS
// p50 17 s, raw node-rdkafka 2.5 s, no shuffle at all), so the "stall" measured queueing, not the
// shuffle. BENCH_RATE sets another rate.
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const WARM_MS = 4000;
const STEADY_MS = 5000;
const PORT = 18092;
// A batch every 25 ms (25 records at the default rate).
const TICK_MS = 25;
const ALL_BACKENDS = ['kafkajs', 'rdkafka'] as const;
// BENCH_BACKENDS=rdkafka runs one backend only (to look into one of them).
const BACKENDS = ALL_BACKENDS.filter((b) => (process.env.BENCH_BACKENDS ?? b).split(',').includes(b));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Progress on stderr, so a slow step shows where it is; the results go to stdout and BENCHMARKS.md.
const progress = (message: string) => console.error(`[bench:shuffle] ${message}`);
const fmt = (p: { p50: number; p99: number; max: number }) =>
  `${p.p50.toFixed(1)} / ${p.p99.toFixed(1)} / ${p.max.toFixed(1)}`;
const latencies = (batches: readonly SentBatch[], from: number, to: number) =>
  batches.filter((b) => b.dueAt >= from && b.dueAt < to).map((b) => b.latencyMs);

async function main(): Promise<void> {
  const stack = defineStack();
  progress('starting the stack');
  await stackUp(stack);
  const [alpha, beta] = stack.clusters;
  const redisUrl = `redis://${stack.redis.host}:${stack.redis.port}/16`;
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  const operator = randomBytes(16).toString('hex');
  const writerTokens = Object.fromEntries(BACKENDS.map((b) => [b, randomBytes(16).toString('hex')]));
  const readerToken = randomBytes(16).toString('hex');
  progress('starting the config service');
  const service: ChildProcess = await startServiceProcess(stack.rootDir, PORT, redisUrl, [
    { name: 'bench-sre', role: 'operator', token: operator },
    ...BACKENDS.map((b) => ({
      name: `bench-${b}`,
      role: 'app',
      app: `bench-writer-${b}`,
      token: writerTokens[b],
    })),
    { name: 'bench-readers', role: 'app', app: 'bench-reader', token: readerToken },
  ]);
  const base = `http://127.0.0.1:${PORT}`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const fleets: FleetClient[] = [];
  const readerProcesses: Array<{ kill: () => void }> = [];
  const runId = Date.now().toString(36);
  const lines: string[] = [
    `Open-loop load of ${RATE.toLocaleString('en')} msgs/s (100 B keyed records, a batch every ${TICK_MS} ms, acks=all), 12 partitions; a consumer group of 2 node-rdkafka instances (in a process of its own) reads the topic being written, raw or fleet. Latency is measured from when a batch was due to its acknowledgement (p50 / p99 / max, ms). "raw" is the backend used directly on its own topic at the same rate, same run, read by the same readers. Both clusters first take 4 s of unmeasured load (cold brokers). The machine: 2 cores shared by the 4 brokers, Redis, the service, the producer and the readers.`,
    '',
    '| producer backend | raw backend | fleet before the shuffle | fleet during the shuffle (the stall) | shuffle duration | phases (ms) | produced / consumed / lost / duplicated | per-key order violations seen by the readers, raw / fleet | batches written out of issue order, raw / fleet |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  try {
    for (const c of [alpha, beta])
      await call('POST', '/v1/clusters', { id: c.name, bootstrapServers: c.bootstrapServers });
    const topicOf = (backend: string) => `bench.shuffle.${backend}.${runId}`;
    // The raw baseline's topic is registered too, only so the same readers can consume it: the
    // raw producer then shares the machine with the same consuming load as the fleet producer.
    const rawTopicOf = (backend: string) => `bench.shuffle-raw.${backend}.${runId}`;
    for (const name of BACKENDS.flatMap((b) => [topicOf(b), rawTopicOf(b)]))
      await call('POST', '/v1/topics', { name, owner: 'bench', partitions: 12, clusterId: alpha.name });
    for (const backend of BACKENDS)
      await call('POST', '/v1/apps', {
        id: `bench-writer-${backend}`,
        owner: 'bench',
        backend,
        topics: { [topicOf(backend)]: { produce: true } },
      });
    await call('POST', '/v1/apps', {
      id: 'bench-reader',
      owner: 'bench',
      backend: 'rdkafka',
      topics: Object.fromEntries(
        BACKENDS.flatMap((b) => [topicOf(b), rawTopicOf(b)]).map((t) => [t, { consume: true }]),
      ),
    });
    // Brokers just started are cold (JIT, first topic creation): a scratch load on both clusters
    // first, unmeasured, so the first backend measured does not pay for it and the second not.
    progress('warming the clusters up');
    for (const cluster of [alpha, beta]) {
      const scratch = `bench.shuffle-warmup.${cluster.name}.${runId}`;
      await createTopic(cluster, scratch, 12);
      const sender = await rawRdkafkaSender(cluster, scratch);
      const warmup = new PacedLoad(sender.send, RATE, TICK_MS);
      warmup.start();
      await sleep(WARM_MS);
      await warmup.stop();
      await sender.close();
    }
    for (const backend of BACKENDS) {
      const topic = topicOf(backend);
      const readerSettings = { serviceUrl: base, appId: 'bench-reader', token: readerToken, members: 2 };
      // The raw baseline at the same rate, read by the same readers.
      const rawTopic = rawTopicOf(backend);
      const rawReaders = await startReaders({ ...readerSettings, topic: rawTopic });
      readerProcesses.push(rawReaders);
      const raw =
        backend === 'kafkajs'
          ? await rawKafkaJsSender(alpha, rawTopic)
          : await rawRdkafkaSender(alpha, rawTopic);
      progress(`${backend}: raw baseline`);
      const rawLoad = new PacedLoad(raw.send, RATE, TICK_MS);
      rawLoad.start();
      await sleep(WARM_MS + STEADY_MS);
      await rawLoad.stop();
      await raw.close();
      const rawRead = await rawReaders.verdict(
        rawLoad.batches.filter((b) => b.ok).flatMap((b) => b.seqs),
        120_000,
      );
      const rawP = percentiles(latencies(rawLoad.batches, rawLoad.batches[0].dueAt + WARM_MS, Infinity));

      progress(`${backend}: readers and the fleet producer`);
      // Readers (in their own process), then the fleet producer.
      const readers = await startReaders({ ...readerSettings, topic });
      readerProcesses.push(readers);
      const writer = createFleetClient({
        serviceUrl: base,
        appId: `bench-writer-${backend}`,
        token: writerTokens[backend],
        heartbeatIntervalMs: 1000,
      });
      fleets.push(writer);
      await writer.connect();
      const producer = writer.producer();
      const load = new PacedLoad((records) => producer.send({ topic, messages: records }), RATE, TICK_MS);
      load.start();
      await sleep(WARM_MS + STEADY_MS);
      progress(`${backend}: shuffling alpha -> beta`);
      const shuffleAt = performance.now();
      const started = await call<Migration>('POST', `/v1/topics/${topic}/migrations`, {
        targetClusterId: beta.name,
      });
      let done: Migration = started;
      while (!['done', 'failed', 'aborted'].includes(done.phase)) {
        await sleep(50);
        done = await call<Migration>('GET', `/v1/topics/${topic}/migrations/${started.id}`);
      }
      const shuffleEnd = performance.now();
      await sleep(2000);
      await load.stop();
      progress(`${backend}: shuffle ${done.phase}; waiting for the readers`);
      const acked = load.batches.filter((b) => b.ok).flatMap((b) => b.seqs);
      const read = await readers.verdict(acked, 120_000);
      const before = percentiles(latencies(load.batches, load.batches[0].dueAt + WARM_MS, shuffleAt));
      const during = percentiles(latencies(load.batches, shuffleAt, shuffleEnd));
      const durationMs = done.history[done.history.length - 1].enteredAt - done.history[0].enteredAt;
      const phases = Object.entries(done.phaseDurationsMs ?? {})
        .filter(([p]) => p !== 'done')
        .map(([p, ms]) => `${p} ${ms}`)
        .join(', ');
      const achieved =
        acked.length / ((load.batches[load.batches.length - 1].dueAt - load.batches[0].dueAt) / 1000);
      lines.push(
        `| ${backend} | ${fmt(rawP)} | ${fmt(before)} | **${fmt(during)}** | **${(durationMs / 1000).toFixed(2)} s** (${done.phase}) | ${phases} | ${acked.length} / ${read.consumed} / ${read.lost} / ${read.duplicated} | ${rawRead.orderViolations} / ${read.orderViolations} | ${reorderedBatches(rawLoad.batches)} / ${reorderedBatches(load.batches)} |`,
      );
      console.log(
        lines[lines.length - 1],
        `achieved ${achieved.toFixed(0)} msgs/s, ${during.n} batches during the shuffle`,
        `raw read back: ${rawRead.consumed} consumed, ${rawRead.lost} lost, ${rawRead.duplicated} duplicated`,
        read.violations.length > 0 ? `first order violations: ${JSON.stringify(read.violations)}` : '',
      );
      await Promise.all(fleets.splice(0).map((f) => f.disconnect()));
    }
    lines.push('', 'Targets: p99 stall < 250 ms, shuffle < 5 s, nothing lost or duplicated.');
    writeBenchmarkSection('shuffle', 'Topic shuffle under steady load', 'npm run bench:shuffle', lines);
  } finally {
    for (const r of readerProcesses) r.kill();
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
