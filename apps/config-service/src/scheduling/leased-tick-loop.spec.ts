import { Logger } from '@nestjs/common';
import { LeasedTickLoop, type LeasedWork } from './leased-tick-loop';

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
});
