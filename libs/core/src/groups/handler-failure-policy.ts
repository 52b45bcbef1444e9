import type { HandlerFailures } from '@kafka-fleet/contracts';
import type { RandomSource } from '../random/random-source';
import { retryDelayMs } from '../retry/retry-backoff';

export type FailureDecision =
  | { readonly kind: 'retry'; readonly delayMs: number }
  | { readonly kind: 'dead-letter'; readonly topic: string }
  | { readonly kind: 'hold'; readonly reason: string };

/**
 * What a consumer does after a record's handler failed for the `failedAttempts`-th time.
 *
 * Back-off doubles from `initialBackoffMs` up to `maxBackoffMs`, with "equal jitter" (half of each
 * step fixed, half random): members that failed on the same dependency at once do not retry in
 * step, and no wait exceeds its step, so `retryScheduleMs` bounds the whole schedule. An error that
 * says it is not retriable (`retriable: false`) is not retried: the same input fails the same way.
 * A record of the dead-letter topic itself is never dead-lettered again (it would loop): its
 * partition is held instead.
 */
export function decideAfterFailure(
  policy: HandlerFailures,
  failedAttempts: number,
  context: { readonly topic: string; readonly retriable: boolean },
  rng: RandomSource,
): FailureDecision {
  if (context.retriable && failedAttempts < policy.maxAttempts) {
    return { kind: 'retry', delayMs: retryDelayMs(policy, failedAttempts, rng) };
  }
  const why = context.retriable
    ? `the handler failed ${failedAttempts} times`
    : 'the handler failed with a non-retriable error';
  const { deadLetterTopic } = policy;
  if (!deadLetterTopic) return { kind: 'hold', reason: `${why} and the app has no dead-letter topic` };
  if (deadLetterTopic === context.topic)
    return { kind: 'hold', reason: `${why} on a record of the dead-letter topic itself` };
  return { kind: 'dead-letter', topic: deadLetterTopic };
}

/** Whether an error says it may succeed when tried again (errors that do not say are retried). */
export function isRetriable(error: unknown): boolean {
  return !(
    typeof error === 'object' &&
    error !== null &&
    (error as { retriable?: unknown }).retriable === false
  );
}
