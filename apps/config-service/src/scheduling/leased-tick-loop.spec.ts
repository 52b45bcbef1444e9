import { Logger } from '@nestjs/common';
import { LeasedTickLoop, LeaseLostError, type LeaseGuard, type LeasedWork } from './leased-tick-loop';

/** Work with in-memory leases: `a` and `b` are active; another replica holds `b`. */
function fakeWork() {
  const leases = new Map<string, string>([['b', 'someone-else']]);
  const driven: string[] = [];
  const failures: string[] = [];
  let ticks = 0;
  const work: LeasedWork = {
    activeIds: async () => ['a', 'b', 'c'],
    lock: async (id, owner) => {
      const holder = leases.get(id);
      if (holder && holder !== owner) return false;
      leases.set(id, owner);
      return true;
    },
    unlock: async (id, owner) => {
      if (leases.get(id) === owner) leases.delete(id);
    },
    drive: async (id) => {
      driven.push(id);
      if (id === 'c') throw new Error('cluster unreachable');
    },
    failed: async (id, error) => void failures.push(`${id}: ${(error as Error).message}`),
    beforeTick: () => void ticks++,
  };
  return { work, leases, driven, failures, ticks: () => ticks };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 1));
}

describe('LeasedTickLoop', () => {
  it('drives only what it holds the lease of, reports failed steps, and keeps ticking', async () => {
    const f = fakeWork();
    const loop = new LeasedTickLoop('things', f.work, { intervalMs: 1, lockMs: 1000 }, new Logger('test'));
    loop.start();
    await until(() => f.ticks() >= 3);
    await loop.stop();
    expect(new Set(f.driven)).toEqual(new Set(['a', 'c']));
    expect(f.driven.filter((id) => id === 'a').length).toBeGreaterThanOrEqual(2);
    expect(f.failures[0]).toBe('c: cluster unreachable');
  });

  it('releases the leases it holds when stopped, and not the ones others hold', async () => {
    const f = fakeWork();
    const loop = new LeasedTickLoop('things', f.work, { intervalMs: 1, lockMs: 1000 }, new Logger('test'));
    loop.start();
    await until(() => f.ticks() >= 1 && f.leases.has('a'));
    await loop.stop();
    expect([...f.leases]).toEqual([['b', 'someone-else']]);
    const ticks = f.ticks();
    await new Promise((r) => setTimeout(r, 20));
    expect(f.ticks()).toBe(ticks); // stopped for good
  });

  it('runs a tick at once when nudged, without waiting for the interval', async () => {
    const f = fakeWork();
    const loop = new LeasedTickLoop(
      'things',
      f.work,
      { intervalMs: 3_600_000, lockMs: 1000 },
      new Logger('test'),
    );
    loop.start();
    await until(() => f.ticks() === 1);
    await new Promise((r) => setTimeout(r, 5));
    loop.nudge();
    await until(() => f.ticks() === 2);
    await loop.stop();
  });

  describe('a step that outlasts its lease', () => {
    afterEach(() => jest.useRealTimers());

    /** One resource whose step waits for `release`; the test owns the lease store and the clock. */
    function longStep() {
      const leases = new Map<string, string>();
      const renewals: number[] = [];
      let release!: () => void;
      let guard!: LeaseGuard;
      const stepDone = new Promise<void>((r) => (release = r));
      let started!: () => void;
      const stepStarted = new Promise<void>((r) => (started = r));
      const work: LeasedWork = {
        activeIds: async () => ['s'],
        lock: async (id, owner) => {
          renewals.push(Date.now());
          const holder = leases.get(id);
          if (holder && holder !== owner) return false;
          leases.set(id, owner);
          return true;
        },
        unlock: async () => undefined,
        drive: async (_id, lease) => {
          guard = lease;
          started();
          await stepDone;
        },
        failed: async () => undefined,
      };
      return { work, leases, renewals, release, stepStarted, guard: () => guard };
    }

    /** Starts a loop (3 s lease, fake clock at 0) whose one step is running when this returns. */
    async function startLongStep() {
      jest.useFakeTimers({ now: 0 });
      const f = longStep();
      const loop = new LeasedTickLoop(
        'things',
        f.work,
        { intervalMs: 60_000, lockMs: 3000 },
        new Logger('test'),
      );
      loop.start();
      await jest.advanceTimersByTimeAsync(0);
      await f.stepStarted;
      return { ...f, loop };
    }

    it('is renewed every third of the lease while it runs, and keeps it', async () => {
      const { loop, ...f } = await startLongStep();
      await jest.advanceTimersByTimeAsync(10_000); // a step three times longer than the lease
      expect(f.renewals).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000]);
      expect(() => f.guard().assertHeld()).not.toThrow();
      f.release();
      await loop.stop();
    });

    it('is stopped when another replica holds the lease', async () => {
      const { loop, ...f } = await startLongStep();
      f.leases.set('s', 'replica-b'); // it expired while this one was unreachable, and b took it
      await jest.advanceTimersByTimeAsync(1000);
      expect(f.guard().signal.aborted).toBe(true);
      expect(() => f.guard().assertHeld()).toThrow(LeaseLostError);
      f.release();
      await loop.stop();
    });

    it('knows, without waiting for a timer, that a pause longer than the lease lost it', async () => {
      const { loop, ...f } = await startLongStep();
      // The process was stopped (SIGSTOP) for 5 s: the clock moved, no timer has run yet.
      jest.setSystemTime(5000);
      expect(() => f.guard().assertHeld()).toThrow(LeaseLostError);
      f.release();
      await loop.stop();
    });
  });
});
