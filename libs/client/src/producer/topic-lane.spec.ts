import type { Route } from '@kafka-fleet/core';
import { BackpressureError } from '../errors/client-errors';
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

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('TopicLane', () => {
  it('lets in-flight sends on the old route finish before the first send on the new one', async () => {
    const log: string[] = [];
    const lane = new TopicLane(route(1), 100, (from, to) => log.push(`switch ${from.epoch}->${to.epoch}`));
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

  it('refuses sends beyond the buffer bound while switching (backpressure, not a silent drop)', async () => {
    const lane = new TopicLane(route(1), 10, () => undefined);
    const slow = deferred();
    const inflight = lane.run(1, () => slow.promise);
    lane.follow(route(2));
    const waiting = lane.run(8, async () => 'ok');
    await expect(lane.run(5, async () => 'too many')).rejects.toBeInstanceOf(BackpressureError);
    slow.resolve();
    await expect(waiting).resolves.toBe('ok');
    await inflight;
  });

  it('does nothing when the route did not change, and a failed old send does not block the switch', async () => {
    const switches: number[] = [];
    const lane = new TopicLane(route(1), 10, (_f, t) => switches.push(t.epoch));
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
});
