import { sameRoute, type KafkaFleetError, type Route } from '@kafka-fleet/core';
import type { ProducerSettings } from '../backends/backend-port';
import { BackpressureError } from '../errors/client-errors';

/**
 * One logical topic's path to the cluster. When its route changes (placement, epoch or backend),
 * the lane drains: sends already in flight on the old route finish (acknowledged or failed), sends
 * issued meanwhile wait in a bounded buffer, and only then does the first send use the new route.
 * That keeps per-key order across a switch and never drops a record silently. A change of the
 * producer settings (an app's config overrides) switches the same way: no send on the new
 * settings (a new backend client) overtakes one still in flight on the old.
 */
export class TopicLane {
  private readonly inflight = new Set<Promise<unknown>>();
  private switching?: Promise<void>;
  /** The first send on the current route, while it is in flight; the route once one succeeded. */
  private opening?: Promise<void>;
  private opened?: Route;
  private waiting = 0;
  /** Why the lane was closed (its topic's access revoked): every later send fails with it. */
  private closedBy?: KafkaFleetError;

  constructor(
    private route: Route,
    private settings: ProducerSettings,
    /** Records sends may hold while the lane switches (read at each send: it can be retuned). */
    private readonly maxBuffered: () => number,
    private readonly onSwitched: (from: Route, to: Route) => void,
  ) {}

  /** The route sends currently use (the old one until a switch has drained). */
  get applied(): Route {
    return this.route;
  }

  /** Starts switching to `next` if it differs; idempotent while a switch is under way. */
  follow(next: Route): void {
    if (sameRoute(this.route, next) && !this.switching) return;
    this.switchWhenDrained(
      () => !sameRoute(this.route, next),
      () => {
        const from = this.route;
        this.route = next;
        this.onSwitched(from, next);
      },
    );
  }

  /** Sends use `settings` once those in flight on the current ones have answered. */
  retune(settings: ProducerSettings): Promise<void> {
    return this.switchWhenDrained(
      () => true,
      () => {
        this.settings = settings;
        // New settings are a new backend client: its first send fetches metadata and goes alone.
        this.opened = undefined;
      },
    );
  }

  /** After the switches before it, if still `needed`: drains the sends in flight, then `apply`. */
  private switchWhenDrained(needed: () => boolean, apply: () => void): Promise<void> {
    const previous = this.switching ?? Promise.resolve();
    const mine = previous.then(async () => {
      if (!needed()) return;
      await Promise.allSettled([...this.inflight]);
      apply();
    });
    this.switching = mine;
    void mine.finally(() => {
      if (this.switching === mine) this.switching = undefined;
    });
    return mine;
  }

  /**
   * Closes the lane for good: sends already in flight finish (they were accepted before), and every
   * send not yet on the wire, waiting or later, fails with `reason`. A lane that kept sending after
   * its app lost access would also keep reporting its epoch, and a shuffle would wait on it for ever.
   */
  close(reason: KafkaFleetError): Promise<void> {
    this.closedBy = reason;
    return Promise.allSettled([...this.inflight]).then(() => undefined);
  }

  /**
   * Runs `send` on the current route once any switch has drained; `count` records count against
   * the buffer. The first send on a route goes alone, and the sends behind it wait for its answer:
   * a backend's first send to a topic fetches its metadata, and KafkaJS lets concurrent sends that
   * race that fetch reach the broker out of order (found by the shuffle benchmark: a buffered
   * batch released by a switch landed behind later ones on the target).
   */
  async run<T>(count: number, send: (route: Route, settings: ProducerSettings) => Promise<T>): Promise<T> {
    if (this.closedBy) throw this.closedBy;
    for (let gate = this.switching ?? this.opening; gate; gate = this.switching ?? this.opening) {
      // Only a switch is bounded: it can last as long as an old send takes to answer, while the
      // first send's round trip cannot. Counting that wait refused 16 concurrent 1,000-record sends
      // on a fresh client "while its route switches" when nothing was switching.
      const bounded = gate === this.switching;
      if (bounded && this.waiting + count > this.maxBuffered())
        throw new BackpressureError(this.route.topic, this.maxBuffered());
      if (bounded) this.waiting += count;
      try {
        await gate;
      } finally {
        if (bounded) this.waiting -= count;
      }
    }
    if (this.closedBy) throw this.closedBy;
    const route = this.route;
    const pending = send(route, this.settings);
    if (this.opened !== route) this.open(route, pending);
    this.inflight.add(pending);
    try {
      return await pending;
    } finally {
      this.inflight.delete(pending);
    }
  }

  /** Holds later sends until `first` answered; a failed first send leaves the next one to go alone. */
  private open(route: Route, first: Promise<unknown>): void {
    const opening: Promise<void> = first
      .then(
        () => {
          this.opened = route;
        },
        () => undefined,
      )
      .finally(() => {
        if (this.opening === opening) this.opening = undefined;
      });
    this.opening = opening;
  }
}
