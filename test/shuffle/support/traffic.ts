import type { FleetClient } from '@kafka-fleet/client';
import { until } from '../../client/fleet-fixture';

/** One record's identity: which producer wrote it, its sequence number, and its key. */
export interface Stamp {
  readonly producer: string;
  readonly seq: number;
  readonly key: string;
}

export const KEYS_PER_PRODUCER = 12;

export function recordFor(producer: string, seq: number): { key: string; value: string } {
  const key = `${producer}-k${seq % KEYS_PER_PRODUCER}`;
  return { key, value: JSON.stringify({ producer, seq, key }) };
}

/**
 * Sends keyed, sequence-numbered records continuously from one fleet producer, one send at a time
 * (so per-key order is defined by the sequence), and remembers every acknowledged sequence number.
 */
export class ProducerLoad {
  readonly acked = new Set<number>();
  /** Every failed send's error, in order. */
  readonly failureErrors: unknown[] = [];
  readonly latenciesMs: number[] = [];
  /** Records acknowledged per cluster (where the send's last partition went). */
  private readonly perCluster = new Map<string, number>();
  private next = 0;
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    readonly name: string,
    private readonly fleet: FleetClient,
    private readonly topic: string,
    private readonly batch = 5,
    private readonly pauseMs = 5,
  ) {}

  get failures(): string[] {
    return this.failureErrors.map((e) => (e as Error).message);
  }

  ackedOn(clusterId: string): number {
    return this.perCluster.get(clusterId) ?? 0;
  }

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private async loop(): Promise<void> {
    const producer = this.fleet.producer();
    while (!this.stopping) {
      const seqs = Array.from({ length: this.batch }, () => this.next++);
      const started = Date.now();
      try {
        const acks = await producer.send({
          topic: this.topic,
          messages: seqs.map((s) => recordFor(this.name, s)),
        });
        this.latenciesMs.push(Date.now() - started);
        for (const s of seqs) this.acked.add(s);
        const cluster = acks[acks.length - 1]?.clusterId ?? '';
        this.perCluster.set(cluster, (this.perCluster.get(cluster) ?? 0) + seqs.length);
      } catch (error) {
        // Not acknowledged: the record may or may not exist, so it is not counted as produced.
        this.failureErrors.push(error);
      }
      if (this.pauseMs > 0) await new Promise((r) => setTimeout(r, this.pauseMs));
    }
  }
}

/** Everything a consumer group handled, in order, with where each record came from. */
export class ConsumerTally {
  readonly seen: Array<Stamp & { cluster: string; partition: number; offset: string }> = [];

  handler() {
    return async ({
      message,
      clusterId,
      partition,
    }: {
      message: { value: Buffer | null; offset: string };
      clusterId: string;
      partition: number;
    }) => {
      const stamp = JSON.parse(message.value!.toString()) as Stamp;
      this.seen.push({ ...stamp, cluster: clusterId, partition, offset: message.offset });
    };
  }

  count(producer: string, seq: number): number {
    return this.seen.filter((s) => s.producer === producer && s.seq === seq).length;
  }
}

export interface Verdict {
  readonly produced: number;
  readonly consumed: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly orderViolations: number;
}

/**
 * Compares what producers got acknowledged with what a group handled: every acknowledged record
 * exactly once, and per key in sequence order. `extra` adds records produced outside the loads
 * (a zombie writing to the old cluster), keyed the same way.
 */
export function verdict(
  loads: ReadonlyArray<{ readonly name: string; readonly acked: ReadonlySet<number> }>,
  tally: ConsumerTally,
  extra: Stamp[] = [],
): Verdict {
  const expected = new Map<string, number>();
  for (const load of loads) for (const seq of load.acked) expected.set(`${load.name}#${seq}`, 0);
  for (const e of extra) expected.set(`${e.producer}#${e.seq}`, 0);
  let duplicated = 0;
  const lastSeqPerKey = new Map<string, number>();
  let orderViolations = 0;
  for (const s of tally.seen) {
    const id = `${s.producer}#${s.seq}`;
    const n = expected.get(id);
    if (n !== undefined) {
      if (n > 0) duplicated++;
      expected.set(id, n + 1);
    }
    const keyId = `${s.producer}/${s.key}`;
    const last = lastSeqPerKey.get(keyId);
    if (last !== undefined && s.seq < last) orderViolations++;
    lastSeqPerKey.set(keyId, Math.max(last ?? -1, s.seq));
  }
  const lost = [...expected.values()].filter((n) => n === 0).length;
  return { produced: expected.size, consumed: tally.seen.length, lost, duplicated, orderViolations };
}

/**
 * Waits (up to 60 s) until the group handled every acknowledged record, then asserts it did so
 * exactly once and per key in order; `group` labels the verdict in a failure. Returns the verdict.
 */
export async function expectEveryRecordOnce(
  owed: ReadonlyArray<{ readonly name: string; readonly acked: ReadonlySet<number> }>,
  tally: ConsumerTally,
  group?: string,
): Promise<Verdict> {
  await until(`${group ?? 'the group'} has everything`, () => verdict(owed, tally).lost === 0, 60_000).catch(
    () => undefined, // the assertion below says what is missing
  );
  const v = verdict(owed, tally);
  const label = group === undefined ? {} : { group };
  if (v.duplicated > 0) console.log(`${group ?? 'the group'} handled twice: ${describeRepeats(tally)}`);
  expect({ ...label, ...v }).toEqual({
    ...label,
    produced: v.produced,
    consumed: v.consumed,
    lost: 0,
    duplicated: 0,
    orderViolations: 0,
  });
  return v;
}

/**
 * Where a group was handed a record a second time, as `producer#seq: cluster/partition@offset`
 * sightings: the same offset twice is a redelivery by the group, two offsets are two copies of the
 * record on the log (a writer that wrote it twice).
 */
function describeRepeats(tally: ConsumerTally): string {
  const sightings = new Map<string, string[]>();
  for (const s of tally.seen) {
    const id = `${s.producer}#${s.seq}`;
    sightings.set(id, [...(sightings.get(id) ?? []), `${s.cluster}/${s.partition}@${s.offset}`]);
  }
  return [...sightings]
    .filter(([, at]) => at.length > 1)
    .slice(0, 20)
    .map(([id, at]) => `${id}: ${at.join(' ')}`)
    .join(', ');
}
