import { KafkaFleetError } from '@kafka-fleet/core';
import type { Clock } from '../framework/clock';
import type { LiveStatus } from './live-status';
import type { StatusWriter } from './live-status-writer';

export interface FollowOptions<T> {
  /** Reads the current state (one API call, usually). */
  readonly poll: () => Promise<T>;
  /** Maps the state onto what is drawn; the loop fills in `elapsedMs` unless the view set it. */
  readonly view: (state: T) => LiveStatus;
  readonly isDone: (state: T) => boolean;
  readonly writer: StatusWriter;
  readonly clock: Clock;
  readonly intervalMs: number;
  readonly signal: AbortSignal;
  /** Give up after this long; undefined waits until done or interrupted. */
  readonly timeoutMs?: number;
  /**
   * Retriable failures (service restarting, network blip) are shown and retried; this many in a
   * row end the loop with the last one. @default 5
   */
  readonly maxConsecutiveFailures?: number;
}

export type FollowOutcome<T> =
  | { readonly kind: 'done'; readonly state: T }
  | { readonly kind: 'interrupted' | 'timeout'; readonly state?: T };

/**
 * Polls until the operation is done, the user interrupts, or time runs out, drawing each state.
 * Generic on purpose: instance epochs today, shuffle progress tomorrow.
 */
export async function follow<T>(options: FollowOptions<T>): Promise<FollowOutcome<T>> {
  const { writer, clock, signal } = options;
  const started = clock.now();
  const maxFailures = options.maxConsecutiveFailures ?? 5;
  let failures = 0;
  let state: T | undefined;
  let last: LiveStatus | undefined;
  for (;;) {
    if (signal.aborted) return end('interrupted');
    try {
      state = await options.poll();
      failures = 0;
      const view = options.view(state);
      // A view may know the operation's own age (a shuffle started before we followed it).
      last = { ...view, elapsedMs: view.elapsedMs ?? clock.now() - started };
      writer.update(last);
      if (options.isDone(state)) {
        writer.finish();
        return { kind: 'done', state };
      }
    } catch (error) {
      failures += 1;
      const retriable = error instanceof KafkaFleetError && error.retriable;
      if (!retriable || failures >= maxFailures || !last) {
        writer.finish();
        throw error;
      }
      writer.update({
        ...last,
        fields: [...last.fields, { key: 'retrying', value: (error as Error).message, tone: 'warn' }],
      });
    }
    if (options.timeoutMs !== undefined && clock.now() - started >= options.timeoutMs) return end('timeout');
    await clock.sleep(options.intervalMs, signal);
  }

  function end(kind: 'interrupted' | 'timeout'): FollowOutcome<T> {
    writer.finish();
    return { kind, state };
  }
}
