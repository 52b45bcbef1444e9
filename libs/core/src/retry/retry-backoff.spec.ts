import { createSeededRandom } from '../random/random-source';
import { LANE_RESTART_BACKOFF, retryDelayMs, SEND_RETRY_BACKOFF } from './retry-backoff';

describe('retry back-off', () => {
  it('doubles from the first step to the cap, each wait between half its step and the step', () => {
    const rng = createSeededRandom(3);
    const steps = [100, 200, 400, 800, 1600, 3200, 5000, 5000];
    steps.forEach((step, i) => {
      for (let n = 0; n < 50; n++) {
        const wait = retryDelayMs(SEND_RETRY_BACKOFF, i + 1, rng);
        expect(wait).toBeGreaterThanOrEqual(step / 2);
        expect(wait).toBeLessThanOrEqual(step);
      }
    });
  });

  it('spreads the waits of clients that failed together (jitter), the same for the same seed', () => {
    const waits = (seed: number) => {
      const rng = createSeededRandom(seed);
      return Array.from({ length: 20 }, () => retryDelayMs(LANE_RESTART_BACKOFF, 3, rng));
    };
    expect(new Set(waits(1)).size).toBeGreaterThan(10);
    expect(waits(1)).toEqual(waits(1));
  });

  it('stays at the cap however many failures (no overflow to Infinity)', () => {
    const rng = { next: () => 0.999 };
    expect(retryDelayMs(LANE_RESTART_BACKOFF, 10_000, rng)).toBeLessThanOrEqual(30_000);
    expect(retryDelayMs(LANE_RESTART_BACKOFF, 0, rng)).toBeLessThanOrEqual(1000);
  });
});
