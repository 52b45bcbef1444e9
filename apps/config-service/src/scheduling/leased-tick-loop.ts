import { randomUUID } from 'node:crypto';
import type { Logger } from '@nestjs/common';
import { LeaseLostError } from '../storage/redis-leases';

export { LeaseLostError };

/** What a step holds while it runs: ask it before every side effect. */
export interface LeaseGuard {
  /**
   * Who holds the lease (this replica): every write the step makes to Redis carries it, and the
   * write's script refuses it unless the lease is still held by this owner.
   */
  readonly owner: string;
  /** Aborted when the lease is known lost. */
  readonly signal: AbortSignal;
  /**
   * Throws unless the lease is still ours by this replica's last renewal. Checked synchronously:
   * after a pause longer than the lease (a stopped process), the step's next callback may run
   * before the renewal timer gets to say so.
   */
  assertHeld(): void;
}

/** What a loop drives: long-running resources (shuffles, rebalance plans) stored in Redis, each with a lease. */
export interface LeasedWork {
  /** The resources that still need driving. */
  activeIds(): Promise<string[]>;
  lock(id: string, owner: string, ttlMs: number): Promise<boolean>;
  unlock(id: string, owner: string): Promise<void>;
  /**
   * One step of one resource, called only while this replica holds its lease. `lease` aborts when
   * the lease is lost mid-step (another replica took it, or it could not be renewed in time): the
   * step must then stop before its next side effect.
   */
  drive(id: string, lease: LeaseGuard): Promise<void>;
  /** A step that threw: it is retried on the next tick. Noted under the step's lease. */
  failed(id: string, error: unknown, lease: LeaseGuard): Promise<void>;
  /** Called once per tick before the resources are driven. */
  beforeTick?(): void;
}

/**
 * The scheduling shared by the shuffle orchestrator and the rebalance executor: a tick every
 * `intervalMs`, each active resource driven in turn, but only while this replica holds its Redis
 * lease, so any replica may take over a resource whose driver died. Nothing lives only in memory
 * except which leases this replica holds, released on shutdown so a successor need not wait for
 * them to expire.
 */
export class LeasedTickLoop {
  private readonly owner = `replica-${randomUUID()}`;
  private readonly held = new Set<string>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly what: string,
    private readonly work: LeasedWork,
    private readonly timing: { readonly intervalMs: number; readonly lockMs: number },
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    await Promise.all([...this.held].map((id) => this.work.unlock(id, this.owner).catch(() => undefined)));
  }

  /** Runs a tick now (after new work arrived, so it does not wait for the timer). */
  nudge(): void {
    if (!this.ticking) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
        this.schedule(this.timing.intervalMs);
      });
    }, delayMs);
  }

  private async tick(): Promise<void> {
    let ids: string[];
    try {
      ids = await this.work.activeIds();
    } catch (error) {
      this.logger.warn(`cannot list ${this.what}: ${(error as Error).message}`);
      return;
    }
    this.work.beforeTick?.();
    for (const id of ids) {
      if (this.stopped) return;
      await this.driveLeased(id).catch(() => undefined); // a step that failed is retried anyway
    }
  }

  private async driveLeased(id: string): Promise<void> {
    if (!(await this.work.lock(id, this.owner, this.timing.lockMs))) {
      this.held.delete(id);
      return;
    }
    this.held.add(id);
    const { guard, stop } = this.renewWhileDriving(id);
    try {
      await this.work.drive(id, guard);
    } catch (error) {
      // Reporting a failure is best effort: the step is retried on the next tick anyway.
      await this.work.failed(id, error, guard).catch(() => undefined);
    } finally {
      stop();
    }
  }

  /**
   * A step (a drain, a sweep) can outlast the lease many times over: it is renewed every third of
   * its length while the step runs, so no other replica takes the resource over meanwhile. When a
   * renewal is refused, or none succeeded for a whole lease length (Redis unreachable, or this
   * process was stopped), the lease may be someone else's: the step is told to stop.
   */
  private renewWhileDriving(id: string): { guard: LeaseGuard; stop: () => void } {
    const lease = new AbortController();
    // Counted from when a renewal was sent, not answered: Redis started the TTL then.
    let renewedAt = Date.now();
    const validMs = this.timing.lockMs - Math.ceil(this.timing.lockMs / 10);
    const lost = (why: string) => {
      if (lease.signal.aborted) return;
      this.held.delete(id);
      this.logger.warn(`lost the lease of ${id} mid-step (${why}); stopping the step`);
      lease.abort(new LeaseLostError(id, why));
    };
    const timer = setInterval(
      () => {
        if (Date.now() - renewedAt >= validMs) return lost('not renewed in time');
        const sentAt = Date.now();
        this.work.lock(id, this.owner, this.timing.lockMs).then(
          (ok) => (ok ? (renewedAt = sentAt) : lost('held by another replica')),
          () => undefined, // the next renewal tries again; the lease runs out if they all fail
        );
      },
      Math.max(10, Math.floor(this.timing.lockMs / 3)),
    );
    const guard: LeaseGuard = {
      owner: this.owner,
      signal: lease.signal,
      assertHeld: () => {
        if (!lease.signal.aborted && Date.now() - renewedAt >= validMs) lost('not renewed in time');
        if (lease.signal.aborted) throw lease.signal.reason;
      },
    };
    return { guard, stop: () => clearInterval(timer) };
  }
}
