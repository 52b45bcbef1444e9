import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import Redis from 'ioredis';
import { buildSnapshot } from '@kafka-fleet/core';
import { FleetRepository } from '../../apps/config-service/src/storage/fleet.repository';
import { loadServiceConfig } from '../../apps/config-service/src/config/service-config';
import { defineStack } from '../../tools/stack/stack-definition';
import { stackUp } from '../../tools/stack/stack-control';
import { hammer, percentile } from './http-load';
import { seedFleet } from './seed-fleet';
import { watchFanout } from './watch-fanout';
import { writeBenchmarkSection } from '../benchmarks-file';
import { startServiceProcess } from '../service-process';

/**
 * `npm run bench:config-service` — seeds 100 clusters, 25,000 topics and 1,000 apps into the
 * stack's Redis (its own database), runs the built service as a separate process, and measures
 * snapshot builds, /v1/resolve throughput next to a bare Node server, and watch fan-out.
 */
const SHAPE = { clusters: 100, topics: 25_000, apps: 1_000, topicsPerApp: 20 };
const WATCHERS = Number(process.env.BENCH_WATCHERS ?? 10_000);
const LOAD_MS = Number(process.env.BENCH_LOAD_MS ?? 10_000);
const CONCURRENCY = 32;
const SERVICE_PORT = 18090;
const BARE_PORT = 18099;

async function main(): Promise<void> {
  const stack = defineStack();
  await stackUp(stack);
  const redisUrl = `redis://${stack.redis.host}:${stack.redis.port}/15`;
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  const memBefore = await usedMemory(redis);
  const seedStart = performance.now();
  const { topicNames, appIds } = await seedFleet(redis, SHAPE);
  const seedMs = performance.now() - seedStart;
  const memAfter = await usedMemory(redis);

  // Snapshot build inside one process: the Lua read plus the pure builder, per app.
  const repo = new FleetRepository(redis, { time: (_c, run) => run() }, loadServiceConfig({}));
  const buildTimes: number[] = [];
  for (const id of appIds) {
    const t0 = performance.now();
    const inputs = await repo.snapshotInputs(id);
    buildSnapshot(
      inputs!.version,
      inputs!.app,
      new Map(inputs!.topics.map((t) => [t.name, t])),
      new Map(inputs!.clusters.map((c) => [c.id, c])),
    );
    buildTimes.push(performance.now() - t0);
  }
  buildTimes.sort((a, b) => a - b);

  const token = randomBytes(24).toString('base64url');
  const service = await startServiceProcess(stack.rootDir, SERVICE_PORT, redisUrl, [
    { name: 'bench', role: 'operator', token },
  ]);
  const auth = { authorization: `Bearer ${token}` };
  const base = `http://127.0.0.1:${SERVICE_PORT}`;
  try {
    const snapshotHttp: number[] = [];
    for (const id of appIds) {
      const t0 = performance.now();
      const res = await fetch(`${base}/v1/apps/${id}/snapshot`, { headers: auth });
      await res.arrayBuffer();
      snapshotHttp.push(performance.now() - t0);
    }
    snapshotHttp.sort((a, b) => a - b);

    const pick = (i: number) => topicNames[(i * 7919) % topicNames.length];
    await hammer((i) => `${base}/v1/resolve?topic=${pick(i)}`, auth, 2000, CONCURRENCY); // warm-up
    const resolveLoad = await hammer(
      (i) => `${base}/v1/resolve?topic=${pick(i)}`,
      auth,
      LOAD_MS,
      CONCURRENCY,
    );
    const bare = await startBare();
    await hammer(() => `http://127.0.0.1:${BARE_PORT}/`, {}, 2000, CONCURRENCY);
    const bareLoad = await hammer(() => `http://127.0.0.1:${BARE_PORT}/`, {}, LOAD_MS, CONCURRENCY);
    bare.kill('SIGTERM');

    let clusterVersion = 1;
    const fanout = await watchFanout(base, token, WATCHERS, 5, async () => {
      const res = await fetch(`${base}/v1/clusters/cluster-0`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          id: 'cluster-0',
          bootstrapServers: [`kafka-0-${clusterVersion}.example:9092`],
          region: 'region-0',
          environment: 'prod',
          version: clusterVersion,
        }),
      });
      const body = (await res.json()) as { version: number };
      clusterVersion = body.version;
      const audit = (await (
        await fetch(`${base}/v1/audit?limit=1&entity=cluster-0`, { headers: auth })
      ).json()) as Array<{ version: number }>;
      return audit[0].version;
    });

    const f = (n: number, d = 2) => n.toFixed(d);
    const lines = [
      `Fleet: ${SHAPE.clusters} clusters, ${SHAPE.topics} topics, ${SHAPE.apps} apps (${SHAPE.topicsPerApp} topics each), seeded in ${f(seedMs / 1000, 1)} s through the service's atomic Lua mutation.`,
      '',
      '| measure | result |',
      '|---|---|',
      `| Redis memory for the seeded fleet (used_memory delta, incl. change feed + audit) | ${f((memAfter - memBefore) / 1048576, 1)} MiB |`,
      `| snapshot build per app, in process (Lua read + pure builder) | p50 ${f(percentile(buildTimes, 50))} ms, p99 ${f(percentile(buildTimes, 99))} ms |`,
      `| snapshot over HTTP per app (GET /v1/apps/{id}/snapshot, sequential) | p50 ${f(percentile(snapshotHttp, 50))} ms, p99 ${f(percentile(snapshotHttp, 99))} ms |`,
      `| /v1/resolve, ${CONCURRENCY} keep-alive connections, ${LOAD_MS / 1000} s | ${f(resolveLoad.perSecond, 0)} req/s (p50 ${f(resolveLoad.p50Ms)} ms, p99 ${f(resolveLoad.p99Ms)} ms, ${resolveLoad.errors} errors) |`,
      `| bare Node HTTP server, same load, same run | ${f(bareLoad.perSecond, 0)} req/s (p50 ${f(bareLoad.p50Ms)} ms, p99 ${f(bareLoad.p99Ms)} ms) |`,
      `| **resolve / bare** (target ≥ 50 %) | **${f((100 * resolveLoad.perSecond) / bareLoad.perSecond, 1)} %** |`,
      `| watch fan-out: ${fanout.watchers} SSE watchers × 5 changes | p50 ${f(fanout.p50Ms)} ms, p99 ${f(fanout.p99Ms)} ms, max ${f(fanout.maxMs)} ms, ${fanout.missed} missed |`,
    ];
    writeBenchmarkSection(
      'config-service',
      'Config service at fleet scale',
      'npm run bench:config-service',
      lines,
    );
  } finally {
    service.kill('SIGTERM');
    await redis.flushdb();
    await redis.quit();
  }
}

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
}

async function startBare(): Promise<ChildProcess> {
  const child = fork(resolve(__dirname, 'bare-server.ts'), [String(BARE_PORT)], {
    execArgv: ['--import', 'tsx'],
  });
  await new Promise((r) => child.once('message', r));
  return child;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
