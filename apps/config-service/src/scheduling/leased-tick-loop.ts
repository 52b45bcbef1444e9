import { randomUUID } from 'node:crypto';
import type { Logger } from '@nestjs/common';

/** What a loop drives: long-running resources (shuffles, rebalance plans) stored in Redis, each with a lease. */
export interface LeasedWork {
  /** The resources that still need driving. */
  activeIds(): Promise<string[]>;
  lock(id: string, owner: string, ttlMs: number): Promise<boolean>;
  unlock(id: string, owner: string): Promise<void>;
  /** One step of one resource, called only while this replica holds its lease. */
  drive(id: string): Promise<void>;
  /** A step that threw: it is retried on the next tick. */
  failed(id: string, error: unknown): Promise<void>;
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
      await this.driveLeased(id)
        .catch((error: unknown) => this.work.failed(id, error))
        .catch(() => undefined); // reporting a failure is best effort; the step is retried anyway
    }
  }

  private async driveLeased(id: string): Promise<void> {
    if (!(await this.work.lock(id, this.owner, this.timing.lockMs))) {
      this.held.delete(id);
      return;
    }
    this.held.add(id);
    await this.work.drive(id);
  }
}
