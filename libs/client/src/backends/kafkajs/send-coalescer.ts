import { BackendError } from '../../errors/client-errors';
import type { PartitionAck } from '../backend-port';

/**
 * Merging limits: per partition well under the broker's default 1 MiB record batch (a merged
 * request must not fail where its sends alone would not), and a bound on the whole request.
 */
export const MERGE_LIMITS: MergeLimits = {
  partitionBytes: 512 * 1024,
  requestBytes: 8 * 1024 * 1024,
  lingerMs: 0,
};

export interface MergeLimits {
  readonly partitionBytes: number;
  readonly requestBytes: number;
  /**
   * How long a send that finds nothing in flight waits for others to join its request (librdkafka's
   * `linger.ms`). Under load it costs nothing: sends wait behind the request in flight anyway.
   */
  readonly lingerMs: number;
}

/** Where a message will go, as far as is known before sending (`partition` unknown: counted together). */
export interface Placement {
  readonly bytes: number;
  readonly partition?: number;
}

type Bucket = number | 'unknown';

interface Waiting<M> {
  readonly messages: readonly M[];
  readonly bytes: number;
  readonly buckets: ReadonlyMap<Bucket, number>;
  /** When the send's budget ends (epoch ms). */
  readonly deadline: number;
  resolve(acks: PartitionAck[]): void;
  reject(error: unknown): void;
}

/**
 * Hands one topic's sends to KafkaJS one request at a time, in the order they were issued; sends
 * issued while a request is in flight wait and go together in the next one. KafkaJS lets
 * concurrent `send()` calls overtake one another even with one request in flight per broker: in
 * the shuffle benchmark raw KafkaJS wrote 1–2 of 400 concurrent batches out of issue order, which
 * breaks per-key order for an application that does not await each send. Merged, the waiting
 * sends cost no throughput: under load the requests simply grow.
 *
 * A merged request that fails tells each send what of its own records were written, when the
 * backend knows (`BackendError.outcome`); a send whose records were all written resolves. Each
 * send gets its own offsets back.
 */
export class SendCoalescer<M> {
  private readonly queue: Array<Waiting<M>> = [];
  private draining = false;

  constructor(
    /** Sends one request; retrying it (before any later request) until `deadline` is its job. */
    private readonly sendAll: (messages: M[], deadline: number) => Promise<PartitionAck[]>,
    /** The partition a message was written to, known once `sendAll` resolved. */
    private readonly partitionOf: (message: M) => number | undefined,
    private readonly placementOf: (message: M) => Placement,
    private readonly limits = MERGE_LIMITS,
  ) {}

  send(messages: readonly M[], deadline = Infinity): Promise<PartitionAck[]> {
    return new Promise((resolve, reject) => {
      const buckets = new Map<Bucket, number>();
      let bytes = 0;
      for (const m of messages) {
        const place = this.placementOf(m);
        const bucket = place.partition ?? 'unknown';
        buckets.set(bucket, (buckets.get(bucket) ?? 0) + place.bytes);
        bytes += place.bytes;
      }
      this.queue.push({ messages, bytes, buckets, deadline, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    if (this.limits.lingerMs > 0) await new Promise((resolve) => setTimeout(resolve, this.limits.lingerMs));
    while (this.queue.length > 0) {
      const group = this.take();
      try {
        const merged = group.flatMap((w) => w.messages);
        // The request retries within the budget of its most pressed send.
        const deadline = Math.min(...group.map((w) => w.deadline));
        const acks = merged.length > 0 ? await this.sendAll(merged, deadline) : [];
        this.settle(group, acks);
      } catch (error) {
        this.fail(group, error);
      }
    }
    this.draining = false;
  }

  /** Whole sends from the head of the queue, within the merging limits (always at least one). */
  private take(): Array<Waiting<M>> {
    const perBucket = new Map<Bucket, number>();
    let bytes = 0;
    let count = 0;
    for (; count < this.queue.length; count++) {
      const next = this.queue[count];
      const fits =
        bytes + next.bytes <= this.limits.requestBytes &&
        [...next.buckets].every(([b, n]) => (perBucket.get(b) ?? 0) + n <= this.limits.partitionBytes);
      if (count > 0 && !fits) break;
      bytes += next.bytes;
      for (const [b, n] of next.buckets) perBucket.set(b, (perBucket.get(b) ?? 0) + n);
    }
    return this.queue.splice(0, count);
  }

  private settle(group: ReadonlyArray<Waiting<M>>, acks: readonly PartitionAck[]): void {
    const own = this.ownAcks(group, acks, () => true);
    group.forEach((w, i) => w.resolve(own[i]));
  }

  /** Sends with records not written fail with their own outcome; the others resolve. */
  private fail(group: ReadonlyArray<Waiting<M>>, error: unknown): void {
    const outcome = error instanceof BackendError ? error.outcome : undefined;
    if (!(error instanceof BackendError) || !outcome) {
      for (const w of group) w.reject(error);
      return;
    }
    const unwritten = new Set(outcome.notWritten);
    const own = this.ownAcks(group, outcome.acks, (m) => !unwritten.has(m));
    group.forEach((w, i) => {
      const notWritten = w.messages.filter((m) => unwritten.has(m));
      if (notWritten.length === 0) w.resolve(own[i]);
      else w.reject(error.withOutcome({ acks: own[i], notWritten }));
    });
  }

  /**
   * Gives each send its own base offset per partition, for its `written` records: the request's
   * base offset there plus the records earlier sends in the request put on that partition (a
   * partition's records are written in request order, and all of them or none).
   */
  private ownAcks(
    group: ReadonlyArray<Waiting<M>>,
    acks: readonly PartitionAck[],
    written: (message: M) => boolean,
  ): PartitionAck[][] {
    const base = new Map<number, bigint>();
    for (const a of acks) if (!base.has(a.partition)) base.set(a.partition, BigInt(a.baseOffset));
    const before = new Map<number, bigint>();
    return group.map((w) => {
      const mine = new Map<number, string>();
      for (const m of w.messages) {
        const partition = this.partitionOf(m);
        const first = partition === undefined ? undefined : base.get(partition);
        if (partition === undefined || first === undefined || !written(m)) continue;
        const n = before.get(partition) ?? 0n;
        if (!mine.has(partition)) mine.set(partition, first < 0n ? String(first) : String(first + n));
        before.set(partition, n + 1n);
      }
      return [...mine].map(([partition, baseOffset]) => ({ partition, baseOffset }));
    });
  }
}
