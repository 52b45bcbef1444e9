import { createSeededRandom } from '../random/random-source';
import {
  DEFAULT_STORM_POLICY,
  RebalanceStormDetector,
  joinBackoffMs,
  type StormPolicy,
} from './rebalance-storm-detector';

const policy: StormPolicy = {
  maxRebalancesPerMinute: 3,
  maxUnassignedMs: 10_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 8_000,
};

function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('RebalanceStormDetector', () => {
  it('is calm after a join that got its assignment', () => {
    const clock = fakeClock();
    const d = new RebalanceStormDetector(policy, clock.now);
    d.joining();
    clock.advance(500);
    d.assigned();
    expect(d.view()).toEqual({ rebalancesLastMinute: 1, unassignedMs: 0, storm: false });
  });

  it('flags a storm when rebalances within a minute exceed the threshold', () => {
    const clock = fakeClock();
    const d = new RebalanceStormDetector(policy, clock.now);
    for (let i = 0; i < 3; i++) {
      d.assigned();
      clock.advance(5_000);
    }
    expect(d.view().storm).toBe(false);
    d.assigned();
    expect(d.view()).toMatchObject({ rebalancesLastMinute: 4, storm: true, reason: 'rebalance-rate' });
  });

  it("counts the member's own joins as rebalances but not towards a storm", () => {
    const clock = fakeClock();
    const d = new RebalanceStormDetector(policy, clock.now);
    // A busy shuffle plan restarts this member's lanes ten times in a minute: planned, not a storm.
    for (let i = 0; i < 10; i++) {
      d.joining();
      clock.advance(1_000);
      d.assigned(true);
    }
    expect(d.view()).toEqual({ rebalancesLastMinute: 10, unassignedMs: 0, storm: false });
    // Rebalances the group forces on it still are, whatever its own joins did meanwhile.
    for (let i = 0; i < 3; i++) d.assigned();
    expect(d.view().storm).toBe(false);
    d.assigned();
    expect(d.view()).toMatchObject({ rebalancesLastMinute: 14, storm: true, reason: 'rebalance-rate' });
  });

  it('forgets rebalances older than a minute', () => {
    const clock = fakeClock();
    const d = new RebalanceStormDetector(policy, clock.now);
    for (let i = 0; i < 4; i++) d.assigned();
    expect(d.view().storm).toBe(true);
    clock.advance(60_000);
    expect(d.view()).toEqual({ rebalancesLastMinute: 0, unassignedMs: 0, storm: false });
  });

  it('flags a storm when the member waits too long for an assignment', () => {
    const clock = fakeClock();
    const d = new RebalanceStormDetector(policy, clock.now);
    d.joining();
    clock.advance(10_000);
    expect(d.view()).toMatchObject({ unassignedMs: 10_000, storm: false });
    clock.advance(1);
    expect(d.view()).toMatchObject({ unassignedMs: 10_001, storm: true, reason: 'no-assignment' });
    d.assigned();
    expect(d.view().storm).toBe(false);
  });

  it('keeps the first wait start when joining is reported again', () => {
    const clock = fakeClock();
    const d = new RebalanceStormDetector(policy, clock.now);
    d.joining();
    clock.advance(4_000);
    d.joining();
    clock.advance(1_000);
    expect(d.view().unassignedMs).toBe(5_000);
    d.left();
    expect(d.view().unassignedMs).toBe(0);
  });
});

describe('joinBackoffMs', () => {
  it('grows exponentially within [ceiling/2, ceiling] and stays under the cap', () => {
    const rng = createSeededRandom(7);
    const delays = [0, 1, 2, 3, 4, 10].map((attempt) => joinBackoffMs(attempt, policy, rng));
    const ceilings = [1_000, 2_000, 4_000, 8_000, 8_000, 8_000];
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(ceilings[i] / 2);
      expect(d).toBeLessThanOrEqual(ceilings[i]);
    });
  });

  it('is reproducible for a seed and jittered between seeds', () => {
    const a = [0, 1, 2].map((n) => joinBackoffMs(n, DEFAULT_STORM_POLICY, createSeededRandom(1)));
    const b = [0, 1, 2].map((n) => joinBackoffMs(n, DEFAULT_STORM_POLICY, createSeededRandom(1)));
    const c = [0, 1, 2].map((n) => joinBackoffMs(n, DEFAULT_STORM_POLICY, createSeededRandom(2)));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});
