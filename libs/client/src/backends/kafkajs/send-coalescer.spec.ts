import { BackendError } from '../../errors/client-errors';
import type { PartitionAck } from '../backend-port';
import { SendCoalescer } from './send-coalescer';

interface Msg {
  readonly id: string;
  readonly partition: number;
  readonly bytes?: number;
}

/** A fake broker: each request is held until released, then appended per partition in order. */
function fakeBroker() {
  const logs = new Map<number, string[]>();
  const requests: Array<{ ids: string[]; messages: Msg[]; release: () => void; fail: (e: Error) => void }> =
    [];
  const sendAll = (messages: Msg[]) =>
    new Promise<PartitionAck[]>((resolve, reject) => {
      requests.push({
        ids: messages.map((m) => m.id),
        messages,
        fail: reject,
        release: () => {
          const acks = new Map<number, string>();
          for (const m of messages) {
            const log = logs.get(m.partition) ?? [];
            if (!acks.has(m.partition)) acks.set(m.partition, String(log.length));
            log.push(m.id);
            logs.set(m.partition, log);
          }
          resolve([...acks].map(([partition, baseOffset]) => ({ partition, baseOffset })));
        },
      });
    });
  return { logs, requests, sendAll };
}

const tick = () => new Promise((r) => setImmediate(r));

/** A coalescer over the fake broker, every message `bytes` long, partitions not predicted. */
const coalescerOver = (broker: ReturnType<typeof fakeBroker>, bytes: number) =>
  new SendCoalescer<Msg>(
    broker.sendAll,
    (m) => m.partition,
    () => ({ bytes }),
  );

describe('SendCoalescer', () => {
  it('keeps one request in flight, merges the sends that wait, in issue order, each with its own offsets', async () => {
    const broker = fakeBroker();
    const c = coalescerOver(broker, 10);
    const first = c.send([{ id: 'a1', partition: 0 }]);
    const second = c.send([
      { id: 'b1', partition: 0 },
      { id: 'b2', partition: 1 },
    ]);
    const third = c.send([
      { id: 'c1', partition: 0 },
      { id: 'c2', partition: 0 },
    ]);
    await tick();
    expect(broker.requests.map((r) => r.ids)).toEqual([['a1']]);
    broker.requests[0].release();
    await tick();
    expect(broker.requests.map((r) => r.ids)).toEqual([['a1'], ['b1', 'b2', 'c1', 'c2']]);
    broker.requests[1].release();
    expect(await first).toEqual([{ partition: 0, baseOffset: '0' }]);
    expect(await second).toEqual([
      { partition: 0, baseOffset: '1' },
      { partition: 1, baseOffset: '0' },
    ]);
    expect(await third).toEqual([{ partition: 0, baseOffset: '2' }]);
    expect(broker.logs.get(0)).toEqual(['a1', 'b1', 'c1', 'c2']);
  });

  it('lets a send that finds nothing in flight linger, so the sends issued meanwhile join its request', async () => {
    jest.useFakeTimers();
    try {
      const broker = fakeBroker();
      const c = new SendCoalescer<Msg>(
        broker.sendAll,
        (m) => m.partition,
        () => ({ bytes: 1 }),
        { partitionBytes: 100, requestBytes: 100, lingerMs: 20 },
      );
      void c.send([{ id: 'a1', partition: 0 }]);
      await jest.advanceTimersByTimeAsync(19);
      expect(broker.requests).toHaveLength(0);
      void c.send([{ id: 'b1', partition: 0 }]);
      await jest.advanceTimersByTimeAsync(1);
      expect(broker.requests.map((r) => r.ids)).toEqual([['a1', 'b1']]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('merges no more bytes per partition, or per request, than the limits (but always at least one send)', async () => {
    const broker = fakeBroker();
    const limits = { partitionBytes: 100, requestBytes: 200, lingerMs: 0 };
    const c = new SendCoalescer<Msg>(
      broker.sendAll,
      (m) => m.partition,
      (m) => ({ bytes: m.bytes ?? 0, ...(m.partition >= 0 ? { partition: m.partition } : {}) }),
      limits,
    );
    const sends = [
      [0, 70], // in flight alone
      [0, 20],
      [0, 20], // partition 0 now at 40
      [1, 90], // another partition: merged too
      [0, 70], // partition 0 would reach 110: next request
      [-1, 90], // unknown partition: a bucket of its own, merged
      [-1, 20], // the unknown bucket would reach 110: next request
      [2, 100],
      [3, 100], // the request would reach 220 bytes: next request
      [4, 500], // over every limit alone: still sent, alone
    ].map(([partition, bytes], i) => c.send([{ id: `s${i}`, partition, bytes }]));
    for (let i = 0; i < 6; i++) {
      await tick();
      broker.requests[i]?.release();
    }
    await Promise.all(sends);
    expect(broker.requests.map((r) => r.ids)).toEqual([
      ['s0'],
      ['s1', 's2', 's3'],
      ['s4', 's5'],
      ['s6', 's7'],
      ['s8'],
      ['s9'],
    ]);
  });

  it('fails every send merged into a failed request, and goes on with the next ones', async () => {
    const broker = fakeBroker();
    const c = coalescerOver(broker, 1);
    const first = c.send([{ id: 'a', partition: 0 }]);
    const merged = [c.send([{ id: 'b', partition: 0 }]), c.send([{ id: 'c', partition: 1 }])];
    await tick();
    broker.requests[0].release();
    await first;
    await tick();
    broker.requests[1].fail(new Error('NOT_ENOUGH_REPLICAS'));
    await expect(merged[0]).rejects.toThrow('NOT_ENOUGH_REPLICAS');
    await expect(merged[1]).rejects.toThrow('NOT_ENOUGH_REPLICAS');
    const after = c.send([{ id: 'd', partition: 0 }]);
    await tick();
    broker.requests[2].release();
    expect(await after).toEqual([{ partition: 0, baseOffset: '1' }]);
  });

  it('tells each merged send what of its own records a partly failed request wrote', async () => {
    const broker = fakeBroker();
    const c = coalescerOver(broker, 10);
    const head = c.send([{ id: 'a1', partition: 0 }]);
    const onlyWritten = c.send([{ id: 'b1', partition: 0 }]);
    const mixed = c.send([
      { id: 'c1', partition: 0 },
      { id: 'c2', partition: 1 },
    ]);
    await tick();
    broker.requests[0].release();
    await head;
    await tick();
    const merged = broker.requests[1];
    expect(merged.ids).toEqual(['b1', 'c1', 'c2']);
    // Partition 0's broker wrote b1 and c1 at offsets 1 and 2; partition 1's request failed.
    const failure = new BackendError('partition 1 leader gone', 'retry');
    const c2 = merged.messages[2];
    failure.outcome = { acks: [{ partition: 0, baseOffset: '1' }], notWritten: [c2] };
    merged.fail(failure);
    const [written, partly] = await Promise.allSettled([onlyWritten, mixed]);
    expect(written).toEqual({ status: 'fulfilled', value: [{ partition: 0, baseOffset: '1' }] });
    const refused = partly.status === 'rejected' ? (partly.reason as unknown) : undefined;
    expect(refused).toBeInstanceOf(BackendError);
    expect((refused as BackendError).outcome).toEqual({
      acks: [{ partition: 0, baseOffset: '2' }],
      notWritten: [c2],
    });
    expect(refused).not.toBe(failure); // each send gets its own outcome
  });
});
