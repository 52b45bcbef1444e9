/** Bytes per second one instance produced to and consumed from a logical topic. */
export interface TopicRate {
  readonly produceBytesPerSec: number;
  readonly consumeBytesPerSec: number;
}

type Sized = { readonly key?: string | Buffer | null; readonly value: string | Buffer | null };

/** Key plus value bytes: what the record costs the cluster, close enough for load planning. */
export function recordBytes(record: Sized): number {
  const size = (x: string | Buffer | null | undefined) =>
    x == null ? 0 : typeof x === 'string' ? Buffer.byteLength(x) : x.length;
  return size(record.key) + size(record.value);
}

/**
 * Counts produced and consumed bytes per logical topic and turns them into rates for the
 * heartbeat, which the rebalance planner sums over instances. A rate covers the window since the
 * previous one; a window shorter than `minWindowMs` (an extra heartbeat right after a producer
 * switched) would be noise, so the previous rates are reported again and the window stays open.
 */
export class TrafficMeter {
  private counts = new Map<string, { produced: number; consumed: number }>();
  private windowStart: number;
  private last: Record<string, TopicRate> = {};

  constructor(
    private readonly now: () => number = Date.now,
    private readonly minWindowMs = 1000,
  ) {
    this.windowStart = now();
  }

  produced(topic: string, bytes: number): void {
    this.entry(topic).produced += bytes;
  }

  consumed(topic: string, bytes: number): void {
    this.entry(topic).consumed += bytes;
  }

  rates(): Record<string, TopicRate> {
    const now = this.now();
    const elapsedMs = now - this.windowStart;
    if (elapsedMs < this.minWindowMs) return this.last;
    const seconds = elapsedMs / 1000;
    const out: Record<string, TopicRate> = {};
    for (const [topic, c] of this.counts)
      out[topic] = { produceBytesPerSec: c.produced / seconds, consumeBytesPerSec: c.consumed / seconds };
    this.counts = new Map();
    this.windowStart = now;
    this.last = out;
    return out;
  }

  private entry(topic: string): { produced: number; consumed: number } {
    let e = this.counts.get(topic);
    if (!e) this.counts.set(topic, (e = { produced: 0, consumed: 0 }));
    return e;
  }
}
