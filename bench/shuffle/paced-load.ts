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
}

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
        () => void this.batches.push({ dueAt, latencyMs: performance.now() - dueAt, seqs, ok: true }),
        () => void this.batches.push({ dueAt, latencyMs: performance.now() - dueAt, seqs, ok: false }),
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
