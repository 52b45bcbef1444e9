import { backoffStepMs } from '@kafka-fleet/contracts';
import type { RandomSource } from '../random/random-source';

/** An exponential back-off: doubling from `initialBackoffMs` after each failure, capped. */
export interface Backoff {
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

/**
 * The one back-off every retry in the fleet waits by (a producer's send, a consumer lane that
 * could not start, a failed handler, a join during a rebalance storm): after the `failed`-th
 * failure (1-based), the doubling step, with "equal jitter" (half fixed, half random), so
 * clients that failed together do not retry in the same instant, and no wait exceeds its step
 * (which keeps a schedule's sum a bound: see `retryScheduleMs`).
 */
export function retryDelayMs(backoff: Backoff, failed: number, rng: RandomSource): number {
  const step = backoffStepMs(backoff, Math.min(Math.max(failed, 1), 31));
  return Math.round(step / 2 + (rng.next() * step) / 2);
}

/** A producer's retriable send failures: 100 ms doubling to 5 s (bounded by `maxSendRetries`). */
export const SEND_RETRY_BACKOFF: Backoff = Object.freeze({ initialBackoffMs: 100, maxBackoffMs: 5000 });

/** A consumer lane that could not start: 1 s doubling to 30 s, until it starts or is closed. */
export const LANE_RESTART_BACKOFF: Backoff = Object.freeze({ initialBackoffMs: 1000, maxBackoffMs: 30_000 });
