/**
 * An open-loop producer: a batch is issued every tick whether or not earlier ones were acknowledged,
 * so a stall shows up as latency (measured from when the batch was due, not when it was sent) instead
 * of silently lowering the rate, the way a real service with incoming traffic experiences it.
 */
export interface SentBatch {
  readonly dueAt: number;
  readonly latencyMs: number;
  readonly seqs: readonly number[];
  readonly ok: boolean;
  /** Lowest offset written per partition (keyed `cluster/partition`), from the acknowledgement. */
  readonly offsets: ReadonlyMap<string, bigint>;
}

/** What the senders resolve with: KafkaJS and the fleet give a base offset per partition, rdkafka an offset per record. */
type Ack = { partition?: number; baseOffset?: string; offset?: number; clusterId?: string };

export type Send = (records: Array<{ key: string; value: Buffer }>) => Promise<unknown>;

export class PacedLoad {
  readonly batches: SentBatch[] = [];
  private stopped = false;
  private loop?: Promise<void>;
  private readonly pending = new Set<Promise<void>>();
  private seq = 0;

  constructor(
    private readonly send: Send,
    private readonly ratePerSec: number,
    private readonly tickMs = 10,
    private readonly valueBytes = 100,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await Promise.all([...this.pending]);
  }

  private async run(): Promise<void> {
    const perTick = Math.max(1, Math.round((this.ratePerSec * this.tickMs) / 1000));
    const start = performance.now();
    for (let tick = 0; !this.stopped; tick++) {
      const dueAt = start + tick * this.tickMs;
      const wait = dueAt - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const seqs = Array.from({ length: perTick }, () => this.seq++);
      const records = seqs.map((s) => ({
        key: `k${s % 64}`,
        value: Buffer.concat([Buffer.from(`${s}:`), Buffer.alloc(this.valueBytes, 120)]).subarray(
          0,
          this.valueBytes,
        ),
      }));
      const done = this.send(records).then(
        (acks) =>
          void this.batches.push({
            dueAt,
            latencyMs: performance.now() - dueAt,
            seqs,
            ok: true,
            offsets: lowestOffsets(acks),
          }),
        () =>
          void this.batches.push({
            dueAt,
            latencyMs: performance.now() - dueAt,
            seqs,
            ok: false,
            offsets: new Map(),
          }),
      );
      this.pending.add(done);
      void done.finally(() => this.pending.delete(done));
    }
  }
}

export function percentiles(values: readonly number[]): { p50: number; p99: number; max: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN, n: sorted.length };
}

function lowestOffsets(acks: unknown): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const a of Array.isArray(acks) ? (acks as Ack[]) : []) {
    const offset = a.baseOffset ?? (a.offset === undefined ? undefined : String(a.offset));
    if (a.partition === undefined || offset === undefined) continue;
    const key = `${a.clusterId ?? ''}/${a.partition}`;
    const value = BigInt(offset);
    const known = out.get(key);
    if (known === undefined || value < known) out.set(key, value);
  }
  return out;
}

/**
 * Batches the broker wrote out of the order they were issued in: on some partition, a batch's
 * offsets lie below those of a batch issued before it. This is the producer's own view of per-key
 * order for concurrent sends, with no consumer involved, so the raw backends get the same check.
 */
export function reorderedBatches(batches: readonly SentBatch[]): number {
  const highest = new Map<string, bigint>();
  let reordered = 0;
  for (const b of [...batches].sort((x, y) => x.dueAt - y.dueAt)) {
    let out = false;
    for (const [partition, offset] of b.offsets) {
      const before = highest.get(partition);
      if (before !== undefined && offset < before) out = true;
      if (before === undefined || offset > before) highest.set(partition, offset);
    }
    if (out) reordered++;
  }
  return reordered;
}
