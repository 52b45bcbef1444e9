import { handlerFailures, retryScheduleMs } from '@kafka-fleet/contracts';
import { createSeededRandom } from '../random/random-source';
import { decideAfterFailure, isRetriable } from './handler-failure-policy';

const policy = (over: Record<string, unknown> = {}) =>
  handlerFailures.parse({ maxAttempts: 5, initialBackoffMs: 100, maxBackoffMs: 400, ...over });
const retriable = { topic: 'payments.receipts', retriable: true };

describe('decideAfterFailure', () => {
  it('retries with back-off doubling to its cap, each wait between half its step and its step', () => {
    const rng = createSeededRandom(3);
    const delays = [1, 2, 3, 4].map((failed) => decideAfterFailure(policy(), failed, retriable, rng));
    const steps = [100, 200, 400, 400];
    delays.forEach((d, i) => {
      expect(d.kind).toBe('retry');
      const ms = (d as { delayMs: number }).delayMs;
      expect(ms).toBeGreaterThanOrEqual(steps[i] / 2);
      expect(ms).toBeLessThanOrEqual(steps[i]);
    });
  });

  it('spreads the waits of members that failed at the same attempt (jitter)', () => {
    const rng = createSeededRandom(11);
    const waits = new Set(
      Array.from(
        { length: 20 },
        () => (decideAfterFailure(policy(), 3, retriable, rng) as { delayMs: number }).delayMs,
      ),
    );
    expect(waits.size).toBeGreaterThan(10);
  });

  it('keeps the whole schedule within retryScheduleMs', () => {
    const rng = createSeededRandom(5);
    const p = policy({ maxAttempts: 8 });
    let total = 0;
    for (let failed = 1; failed < p.maxAttempts; failed++) {
      const d = decideAfterFailure(p, failed, retriable, rng);
      total += (d as { delayMs: number }).delayMs;
    }
    expect(total).toBeLessThanOrEqual(retryScheduleMs(p));
    expect(retryScheduleMs(p)).toBe(100 + 200 + 400 * 5);
  });

  it('dead-letters after the last attempt when the app has a dead-letter topic', () => {
    const d = decideAfterFailure(
      policy({ deadLetterTopic: 'payments.dead-letters' }),
      5,
      retriable,
      createSeededRandom(1),
    );
    expect(d).toEqual({ kind: 'dead-letter', topic: 'payments.dead-letters' });
  });

  it('holds the partition after the last attempt when there is no dead-letter topic', () => {
    const d = decideAfterFailure(policy(), 5, retriable, createSeededRandom(1));
    expect(d).toEqual({
      kind: 'hold',
      reason: 'the handler failed 5 times and the app has no dead-letter topic',
    });
  });

  it('does not retry an error that says it is not retriable', () => {
    const d = decideAfterFailure(
      policy({ deadLetterTopic: 'payments.dead-letters' }),
      1,
      { ...retriable, retriable: false },
      createSeededRandom(1),
    );
    expect(d).toEqual({ kind: 'dead-letter', topic: 'payments.dead-letters' });
  });

  it('never dead-letters a record of the dead-letter topic itself', () => {
    const d = decideAfterFailure(
      policy({ deadLetterTopic: 'payments.receipts' }),
      5,
      retriable,
      createSeededRandom(1),
    );
    expect(d.kind).toBe('hold');
  });
});

describe('handler failure policy validation', () => {
  it('refuses a schedule longer than two minutes and a cap below the first back-off', () => {
    expect(
      handlerFailures.safeParse({ maxAttempts: 20, initialBackoffMs: 10_000, maxBackoffMs: 60_000 }).success,
    ).toBe(false);
    expect(handlerFailures.safeParse({ initialBackoffMs: 500, maxBackoffMs: 100 }).success).toBe(false);
    expect(handlerFailures.parse({})).toEqual({ maxAttempts: 5, initialBackoffMs: 200, maxBackoffMs: 5000 });
  });
});

describe('isRetriable', () => {
  it('treats errors that do not say as retriable', () => {
    expect(isRetriable(new Error('x'))).toBe(true);
    expect(isRetriable('text')).toBe(true);
    expect(isRetriable(Object.assign(new Error('bad'), { retriable: false }))).toBe(false);
  });
});
