import type { Route } from '@kafka-fleet/core';
import type { ProducerSettings } from '../backends/backend-port';
import { BackpressureError, TopicAccessError } from '../errors/client-errors';
import { TopicLane } from './topic-lane';

const route = (epoch: number, clusterId = 'alpha'): Route => ({
  topic: 'orders',
  clusterId,
  bootstrapServers: [`${clusterId}:9092`],
  physicalTopic: 'orders',
  epoch,
  backend: 'kafkajs',
  partitions: 6,
});

const SETTINGS: ProducerSettings = { lingerMs: 5, requestTimeoutMs: 30_000, compression: 'none' };

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('TopicLane', () => {
  it('lets in-flight sends on the old route finish before the first send on the new one', async () => {
    const log: string[] = [];
    const lane = new TopicLane(
      route(1),
      SETTINGS,
      () => 100,
      (from, to) => log.push(`switch ${from.epoch}->${to.epoch}`),
    );
    const slow = deferred();
    const first = lane.run(1, async (r) => {
      log.push(`start old e${r.epoch}`);
      await slow.promise;
      log.push(`acked old e${r.epoch}`);
    });
    lane.follow(route(2, 'beta'));
    const second = lane.run(1, async (r) => log.push(`send new e${r.epoch} ${r.clusterId}`));
    await Promise.resolve();
    expect(log).toEqual(['start old e1']);
    slow.resolve();
    await Promise.all([first, second]);
    expect(log).toEqual(['start old e1', 'acked old e1', 'switch 1->2', 'send new e2 beta']);
    expect(lane.applied.epoch).toBe(2);
  });

  it('moves to new settings only once the sends in flight on the old ones answered', async () => {
    const lane = new TopicLane(
      route(1),
      SETTINGS,
      () => 100,
      () => undefined,
    );
    await lane.run(1, async () => undefined); // opened: later sends no longer wait for a first one
    const log: string[] = [];
    const slow = deferred();
    const first = lane.run(1, async (_r, s) => {
      log.push(`start ${s.compression}`);
      await slow.promise;
      log.push(`acked ${s.compression}`);
    });
    const retuned = lane.retune({ ...SETTINGS, compression: 'zstd' });
    const second = lane.run(1, async (_r, s) => void log.push(`send ${s.compression}`));
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['start none']);
    slow.resolve();
    await Promise.all([first, second, retuned]);
    expect(log).toEqual(['start none', 'acked none', 'send zstd']);
  });

  it('lets the first send on new settings (a new backend client) go alone, like the first on a route', async () => {
    const lane = new TopicLane(
      route(1),
      SETTINGS,
      () => 100,
      () => undefined,
    );
    await lane.run(1, async () => undefined);
    await lane.retune({ ...SETTINGS, compression: 'lz4' });
    const log: string[] = [];
    const slow = deferred();
    const first = lane.run(1, async () => {
      log.push('first');
      await slow.promise;
    });
    const second = lane.run(1, async () => void log.push('second'));
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['first']);
    slow.resolve();
    await Promise.all([first, second]);
    expect(log).toEqual(['first', 'second']);
  });

  it('once closed, lets sends in flight finish and refuses every later one with the reason', async () => {
    const lane = new TopicLane(
      route(1),
      SETTINGS,
      () => 100,
      () => undefined,
    );
    const slow = deferred();
    const inflight = lane.run(1, async () => {
      await slow.promise;
      return 'acked';
    });
    const closed = lane.close(new TopicAccessError('orders', 'produce'));
    await expect(lane.run(1, async () => 'sent')).rejects.toBeInstanceOf(TopicAccessError);
    slow.resolve();
    await expect(inflight).resolves.toBe('acked');
    await closed;
  });

  it('refuses sends beyond the buffer bound while switching (backpressure, not a silent drop)', async () => {
    const lane = new TopicLane(
      route(1),
      SETTINGS,
      () => 10,
      () => undefined,
    );
    const slow = deferred();
    const inflight = lane.run(1, () => slow.promise);
    lane.follow(route(2));
    const waiting = lane.run(8, async () => 'ok');
    await expect(lane.run(5, async () => 'too many')).rejects.toBeInstanceOf(BackpressureError);
    slow.resolve();
    await expect(waiting).resolves.toBe('ok');
    await inflight;
  });

  it('lets a throughput user issue many large sends at once on a fresh lane: the first-send wait is not a switch', async () => {
    const lane = new TopicLane(
      route(1),
      SETTINGS,
      () => 10_000,
      () => undefined,
    );
    const first = deferred();
    const sends = Array.from({ length: 16 }, (_, i) =>
      lane.run(1000, async () => {
        if (i === 0) await first.promise;
        return i;
      }),
    );
    await new Promise((r) => setImmediate(r));
    first.resolve();
    await expect(Promise.all(sends)).resolves.toEqual([...Array(16).keys()]);
  });

  it('does nothing when the route did not change, and a failed old send does not block the switch', async () => {
    const switches: number[] = [];
    const lane = new TopicLane(
      route(1),
      SETTINGS,
      () => 10,
      (_f, t) => switches.push(t.epoch),
    );
    lane.follow(route(1));
    expect(switches).toEqual([]);
    const failing = lane.run(1, async () => {
      throw new Error('broker down');
    });
    lane.follow(route(3));
    await expect(failing).rejects.toThrow('broker down');
    await lane.run(1, async () => undefined);
    expect(switches).toEqual([3]);
  });

  it('sends the first batch on a route alone, then lets the rest go concurrently in issue order', async () => {
    const log: string[] = [];
    const lane = new TopicLane(
      route(1),
      SETTINGS,
      () => 100,
      () => undefined,
    );
    const first = deferred();
    const sends = [
      lane.run(1, async () => {
        log.push('start 0');
        await first.promise;
        log.push('acked 0');
      }),
      ...[1, 2].map((i) => lane.run(1, async () => void log.push(`start ${i}`))),
    ];
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['start 0']); // the others wait for the first answer
    first.resolve();
    await Promise.all(sends);
    expect(log).toEqual(['start 0', 'acked 0', 'start 1', 'start 2']);

    // Once a route answered, sends no longer wait for each other.
    const slow = deferred();
    const a = lane.run(1, () => slow.promise.then(() => void log.push('acked a')));
    const b = lane.run(1, async () => void log.push('start b'));
    await b;
    expect(log.slice(-1)).toEqual(['start b']);
    slow.resolve();
    await a;
  });

  it('opens a new route after a switch with one send, and a failed opener leaves the next to go alone', async () => {
    const log: string[] = [];
    const lane = new TopicLane(
      route(1),
      SETTINGS,
      () => 100,
      () => undefined,
    );
    await lane.run(1, async () => undefined);
    lane.follow(route(2, 'beta'));
    const failing = deferred();
    const opener = lane.run(1, async (r) => {
      log.push(`start 0 ${r.clusterId}`);
      await failing.promise;
      throw new Error('metadata not ready');
    });
    const second = deferred();
    const next = lane.run(1, async () => {
      log.push('start 1');
      await second.promise;
    });
    const third = lane.run(1, async () => void log.push('start 2'));
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['start 0 beta']);
    failing.resolve();
    await expect(opener).rejects.toThrow('metadata not ready');
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['start 0 beta', 'start 1']); // the next send opens the route, alone again
    second.resolve();
    await Promise.all([next, third]);
    expect(log).toEqual(['start 0 beta', 'start 1', 'start 2']);
  });
});
