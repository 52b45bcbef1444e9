import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppSnapshot } from '@kafka-fleet/contracts';
import { resolveOptions } from '../config/client-options';
import { ConfigUnavailableError } from '../errors/client-errors';
import { ConfigSource } from './config-source';
import type { ServiceApi } from './service-api';

const snapshot = (version: number, cluster = 'alpha'): AppSnapshot => ({
  app: 'orders-api',
  version,
  backend: 'kafkajs',
  configOverrides: {},
  topics: [
    {
      topic: 'orders',
      clusterId: cluster,
      physicalTopic: 'orders',
      bootstrapServers: [`${cluster}:9092`],
      epoch: version,
      partitions: 3,
      state: 'stable',
      produce: true,
      consume: true,
      backend: 'kafkajs',
    },
  ],
  clusters: [],
  pausedGroups: [],
});

/**
 * Server-sent events the fake watch stream answers with. A held stream stays open until the
 * client aborts it, as a real one does.
 */
function stream(events: string[], hold = false): (signal: AbortSignal) => Response {
  return (signal) =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const e of events) controller.enqueue(new TextEncoder().encode(`event: ${e}\ndata: {}\n\n`));
          if (!hold) return controller.close();
          signal.addEventListener('abort', () => controller.error(new Error('aborted')));
        },
      }),
    );
}

/** A service whose answers the test scripts; it records every watch's `since`. */
function fakeService(
  answers: Array<{ snapshot: AppSnapshot } | 'down'>,
  streams: Array<(signal: AbortSignal) => Response>,
) {
  const since: number[] = [];
  const answered = { count: 0 };
  const api = {
    snapshot: async () => {
      answered.count++;
      const next = answers.length > 1 ? answers.shift() : answers[0];
      if (!next || next === 'down') throw new ConfigUnavailableError('service unreachable');
      return { snapshot: next.snapshot, etag: `"${next.snapshot.version}"`, version: next.snapshot.version };
    },
    watch: async (from: number, signal: AbortSignal) => {
      since.push(from);
      return (streams.shift() ?? stream([], true))(signal);
    },
  } as unknown as ServiceApi;
  return { api, since, answered };
}

const options = (extra: object = {}) =>
  resolveOptions({
    serviceUrl: 'http://fleet',
    appId: 'orders-api',
    token: 't',
    pollIntervalMs: 3_600_000,
    ...extra,
  });

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('the config source', () => {
  it('never goes back to an older snapshot unless the service asks for a resync, and then resyncs once', async () => {
    // Version 10 in use; then the service (its Redis restored) offers 7, and says to resync.
    const { api, since } = fakeService(
      [{ snapshot: snapshot(10) }, { snapshot: snapshot(7, 'beta') }, { snapshot: snapshot(7, 'beta') }],
      [stream(['change']), stream(['resync'])],
    );
    const source = new ConfigSource(api, options());
    expect((await source.start()).version).toBe(10);
    // The change event's refetch offered 7: refused, 10 stayed in use, and the watch asked from 10
    // again. The resync's refetch took 7 as it is, and the next watch asks from 7, not 10 for ever.
    await until(() => since.length === 3);
    expect(source.snapshot().version).toBe(7);
    expect(source.snapshot().topics[0].clusterId).toBe('beta');
    expect(since).toEqual([10, 10, 7]);
    await source.stop();
  });

  it('keeps the snapshot in use when an older one is offered without a resync', async () => {
    const { api, answered } = fakeService(
      [{ snapshot: snapshot(10) }, { snapshot: snapshot(7, 'beta') }],
      [stream(['change'], true)],
    );
    const source = new ConfigSource(api, options());
    let offered = 0;
    source.onChange(() => offered++);
    await source.start();
    await until(() => answered.count === 2); // the change event's refetch was answered
    await new Promise((r) => setImmediate(r));
    expect(answered.count).toBe(2);
    expect(offered).toBe(0);
    expect(source.snapshot().version).toBe(10);
    expect(source.snapshot().topics[0].clusterId).toBe('alpha');
    await source.stop();
  });

  it('starts from a last-known-good file only while it is younger than its maximum age', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kf-lkg-')), 'fleet.json');
    writeFileSync(file, JSON.stringify(snapshot(4)));
    const down = () => fakeService(['down'], []).api;
    const fresh = new ConfigSource(
      down(),
      options({ lastKnownGoodFile: file, lastKnownGoodMaxAgeMs: 60_000 }),
    );
    expect((await fresh.start()).version).toBe(4);
    await fresh.stop();

    const twoMinutesAgo = (Date.now() - 120_000) / 1000;
    utimesSync(file, twoMinutesAgo, twoMinutesAgo);
    const stale = new ConfigSource(
      down(),
      options({ lastKnownGoodFile: file, lastKnownGoodMaxAgeMs: 60_000 }),
    );
    await expect(stale.start()).rejects.toBeInstanceOf(ConfigUnavailableError);
  });
});
