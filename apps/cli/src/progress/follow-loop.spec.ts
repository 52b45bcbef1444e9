import { KafkaFleetError } from '@kafka-fleet/core';
import type { Clock } from '../framework/clock';
import { follow, type FollowOptions } from './follow-loop';
import type { LiveStatus } from './live-status';
import type { StatusWriter } from './live-status-writer';

/** Time moves only when the loop sleeps: no real timer, no timing assertion. */
function fakeClock(): Clock & { slept: number[] } {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

function recordingWriter(): StatusWriter & { frames: LiveStatus[]; finished: number } {
  const writer = {
    frames: [] as LiveStatus[],
    finished: 0,
    update: (status: LiveStatus) => void writer.frames.push(status),
    finish: () => void (writer.finished += 1),
  };
  return writer;
}

/** Answers from a script: numbers are states, errors are thrown. */
function scripted(steps: Array<number | Error>) {
  let i = 0;
  return async () => {
    const step = steps[Math.min(i++, steps.length - 1)];
    if (step instanceof Error) throw step;
    return step;
  };
}

function setup(steps: Array<number | Error>, overrides: Partial<FollowOptions<number>> = {}) {
  const writer = recordingWriter();
  const clock = fakeClock();
  const options: FollowOptions<number> = {
    poll: scripted(steps),
    view: (acked) => ({ title: 'job', bars: [{ label: 'acked', done: acked, total: 3 }], fields: [] }),
    isDone: (acked) => acked >= 3,
    writer,
    clock,
    intervalMs: 500,
    signal: new AbortController().signal,
    ...overrides,
  };
  return { options, writer, clock };
}

const unavailable = () => new KafkaFleetError('UNAVAILABLE', 'service restarting', { retriable: true });

describe('follow loop', () => {
  it('draws every state with its elapsed time until done', async () => {
    const { options, writer, clock } = setup([0, 1, 3]);
    await expect(follow(options)).resolves.toEqual({ kind: 'done', state: 3 });
    expect(writer.frames.map((f) => [f.bars[0].done, f.elapsedMs])).toEqual([
      [0, 0],
      [1, 500],
      [3, 1000],
    ]);
    expect(clock.slept).toEqual([500, 500]);
    expect(writer.finished).toBe(1);
  });

  it("keeps an elapsed time the view knows better (the operation's own age)", async () => {
    const { options, writer } = setup([0, 3], {
      view: (acked) => ({ title: 'job', bars: [], fields: [], elapsedMs: 60_000 + acked }),
    });
    await follow(options);
    expect(writer.frames.map((f) => f.elapsedMs)).toEqual([60_000, 60_003]);
  });

  it('shows and survives retriable failures, then recovers', async () => {
    const { options, writer } = setup([1, unavailable(), 3]);
    await expect(follow(options)).resolves.toMatchObject({ kind: 'done', state: 3 });
    expect(writer.frames[1].fields).toEqual([{ key: 'retrying', value: 'service restarting', tone: 'warn' }]);
  });

  it('gives up after too many failures in a row, with the last one', async () => {
    const { options, writer } = setup([1, unavailable()], { maxConsecutiveFailures: 3 });
    await expect(follow(options)).rejects.toThrow('service restarting');
    expect(writer.frames).toHaveLength(3); // the state, then two "retrying" frames
    expect(writer.finished).toBe(1);
  });

  it('fails at once on a non-retriable error or a failing first poll', async () => {
    const refused = new KafkaFleetError('FORBIDDEN', 'role may not');
    await expect(follow(setup([1, refused]).options)).rejects.toBe(refused);
    await expect(follow(setup([unavailable()]).options)).rejects.toThrow('service restarting');
  });

  it('stops at the timeout with the last state', async () => {
    const { options, clock } = setup([1], { timeoutMs: 2000 });
    await expect(follow(options)).resolves.toEqual({ kind: 'timeout', state: 1 });
    expect(clock.slept).toEqual([500, 500, 500, 500]);
  });

  it('stops when interrupted', async () => {
    const interrupt = new AbortController();
    let polls = 0;
    const { options } = setup([], {
      poll: async () => {
        polls += 1;
        if (polls === 2) interrupt.abort();
        return 1;
      },
      signal: interrupt.signal,
    });
    await expect(follow(options)).resolves.toEqual({ kind: 'interrupted', state: 1 });
    expect(polls).toBe(2);
  });
});
