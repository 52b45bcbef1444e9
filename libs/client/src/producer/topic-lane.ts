import { sameRoute, type Route } from '@kafka-fleet/core';
import { BackpressureError } from '../errors/client-errors';

/**
 * One logical topic's path to the cluster. When its route changes (placement, epoch or backend),
 * the lane drains: sends already in flight on the old route finish (acknowledged or failed), sends
 * issued meanwhile wait in a bounded buffer, and only then does the first send use the new route.
 * That keeps per-key order across a switch and never drops a record silently.
 */
export class TopicLane {
  private readonly inflight = new Set<Promise<unknown>>();
  private switching?: Promise<void>;
  private waiting = 0;

  constructor(
    private route: Route,
    private readonly maxBuffered: number,
    private readonly onSwitched: (from: Route, to: Route) => void,
  ) {}

  /** The route sends currently use (the old one until a switch has drained). */
  get applied(): Route {
    return this.route;
  }

  /** Starts switching to `next` if it differs; idempotent while a switch is under way. */
  follow(next: Route): void {
    if (sameRoute(this.route, next) && !this.switching) return;
    const previous = this.switching ?? Promise.resolve();
    this.switching = previous.then(async () => {
      if (sameRoute(this.route, next)) return;
      await Promise.allSettled([...this.inflight]);
      const from = this.route;
      this.route = next;
      this.onSwitched(from, next);
    });
    const mine = this.switching;
    void mine.finally(() => {
      if (this.switching === mine) this.switching = undefined;
    });
  }

  /** Runs `send` on the current route once any switch has drained; `count` records count against the buffer. */
  async run<T>(count: number, send: (route: Route) => Promise<T>): Promise<T> {
    while (this.switching) {
      if (this.waiting + count > this.maxBuffered)
        throw new BackpressureError(this.route.topic, this.maxBuffered);
      this.waiting += count;
      try {
        await this.switching;
      } finally {
        this.waiting -= count;
      }
    }
    const pending = send(this.route);
    this.inflight.add(pending);
    try {
      return await pending;
    } finally {
      this.inflight.delete(pending);
    }
  }
}
