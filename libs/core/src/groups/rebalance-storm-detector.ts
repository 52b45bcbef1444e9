import type { RandomSource } from '../random/random-source';
import { retryDelayMs } from '../retry/retry-backoff';

/** When a consumer group member counts as caught in a rebalance storm, and how it backs off. */
export interface StormPolicy {
  /** More assignments than this within the last minute is a storm. @default 6 */
  readonly maxRebalancesPerMinute: number;
  /** Waiting longer than this for an assignment is a storm. @default 60000 */
  readonly maxUnassignedMs: number;
  /** First join back-off while in a storm. @default 1000 */
  readonly backoffBaseMs: number;
  /** Join back-offs never exceed this. @default 30000 */
  readonly backoffMaxMs: number;
}

export const DEFAULT_STORM_POLICY: Readonly<StormPolicy> = Object.freeze({
  maxRebalancesPerMinute: 6,
  maxUnassignedMs: 60_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 30_000,
});

const WINDOW_MS = 60_000;

export interface StormView {
  readonly rebalancesLastMinute: number;
  /** How long the member has been waiting for partitions right now (0 when it has some). */
  readonly unassignedMs: number;
  readonly storm: boolean;
  readonly reason?: 'rebalance-rate' | 'no-assignment';
}

/**
 * Tracks one group member's rebalances over a sliding minute and how long it has been waiting
 * for an assignment. Pure: time comes from the injected clock, so tests drive it without sleeping.
 *
 * @example
 * const detector = new RebalanceStormDetector(DEFAULT_STORM_POLICY, () => Date.now());
 * detector.joining();      // a lane starts: waiting for partitions
 * detector.assigned();     // the group handed some over
 * detector.view().storm;   // false
 */
export class RebalanceStormDetector {
  /** Completed rebalances in the last minute, and whether this member's own join started each. */
  private readonly assignments: Array<{ at: number; ownJoin: boolean }> = [];
  private waitingSince?: number;

  constructor(
    private readonly policy: StormPolicy,
    private readonly now: () => number,
  ) {}

  /** The member (re)joins or lost its partitions: it waits for an assignment from now on. */
  joining(): void {
    this.waitingSince ??= this.now();
  }

  /**
   * An assignment arrived (one rebalance completed for this member). `ownJoin` marks the first
   * assignment after this member started a consumer itself (at start-up, or because a shuffle
   * moved one of its topics): it counts as a rebalance, but not towards a storm. A storm is the
   * group rebalancing under a member again and again; counting the member's own planned joins
   * would make a busy shuffle or rebalance plan look like one, and the join back-off would then
   * stall the very drain the shuffle waits for.
   */
  assigned(ownJoin = false): void {
    this.assignments.push({ at: this.now(), ownJoin });
    this.waitingSince = undefined;
    this.prune();
  }

  /** The member left the group on purpose (closing): not waiting for anything. */
  left(): void {
    this.waitingSince = undefined;
  }

  view(): StormView {
    this.prune();
    const rebalancesLastMinute = this.assignments.length;
    const forced = this.assignments.filter((a) => !a.ownJoin).length;
    const unassignedMs = this.waitingSince === undefined ? 0 : this.now() - this.waitingSince;
    const reason =
      forced > this.policy.maxRebalancesPerMinute
        ? 'rebalance-rate'
        : unassignedMs > this.policy.maxUnassignedMs
          ? 'no-assignment'
          : undefined;
    return { rebalancesLastMinute, unassignedMs, storm: reason !== undefined, ...(reason ? { reason } : {}) };
  }

  private prune(): void {
    const horizon = this.now() - WINDOW_MS;
    while (this.assignments.length > 0 && this.assignments[0].at <= horizon) this.assignments.shift();
  }
}

/**
 * How long to wait before the `attempt`-th (0-based) join during a storm: exponential from
 * `backoffBaseMs`, capped at `backoffMaxMs`, with the upper half jittered so members of one group
 * do not all rejoin in the same instant (which would just start the next rebalance).
 */
export function joinBackoffMs(attempt: number, policy: StormPolicy, rng: RandomSource): number {
  return retryDelayMs(
    { initialBackoffMs: policy.backoffBaseMs, maxBackoffMs: policy.backoffMaxMs },
    attempt + 1,
    rng,
  );
}
