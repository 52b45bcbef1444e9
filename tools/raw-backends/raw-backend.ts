import type { KafkaClusterSpec } from '../stack/stack-definition';

/**
 * The two raw backends driven the same way, so a smoke test can produce with one and consume with
 * the other. This is deliberately *not* our client library: it shows what the bare backends do.
 */
export interface KeyedMessage {
  readonly key: string;
  readonly value: string;
}

export interface ConsumedRecord extends KeyedMessage {
  readonly partition: number;
  readonly offset: number;
}

export interface ProduceOptions {
  /** librdkafka partitioner; ignored by KafkaJS, whose default is already Java-compatible murmur2. */
  readonly rdkafkaPartitioner?: 'murmur2_random' | 'consistent_random';
  /** Called after each batch with the messages the backend confirmed as acknowledged. */
  readonly onAcked?: (acked: readonly KeyedMessage[]) => void;
  /**
   * Called with messages of a batch whose send *resolved* although the backend's result does not
   * confirm their partition (the KafkaJS defect `sendCompletely` works around).
   */
  readonly onUnconfirmed?: (messages: readonly KeyedMessage[]) => void;
  readonly batchSize?: number;
}

export interface RawBackend {
  readonly name: string;
  /** Produces with acks=all, batch by batch, resolving once every message is acknowledged. */
  produce(
    cluster: KafkaClusterSpec,
    topic: string,
    messages: readonly KeyedMessage[],
    options?: ProduceOptions,
  ): Promise<void>;
  /**
   * Reads the topic from the beginning with a fresh group until `expected` records arrived and
   * every partition is read to the end offset it had when the read began.
   */
  consume(
    cluster: KafkaClusterSpec,
    topic: string,
    expected: number,
    timeoutMs?: number,
  ): Promise<ConsumedRecord[]>;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function freshGroupId(topic: string): string {
  return `${topic}.g-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * A read from the beginning of a topic. It is done once `expected` records arrived *and* every
 * partition reached its end offset: counting alone is not enough, because a log holding
 * duplicates (an at-least-once resend) reaches the count before its last records are read, and
 * those would then look lost.
 */
export class ReadToEnd {
  readonly records: ConsumedRecord[] = [];
  private readonly next = new Map<number, number>();

  constructor(
    private readonly ends: ReadonlyMap<number, number>,
    private readonly expected: number,
  ) {}

  add(record: ConsumedRecord): void {
    this.records.push(record);
    this.next.set(record.partition, Math.max(this.next.get(record.partition) ?? 0, record.offset + 1));
  }

  get done(): boolean {
    if (this.records.length < this.expected) return false;
    return [...this.ends].every(([partition, end]) => (this.next.get(partition) ?? 0) >= end);
  }

  /** Where the read stands, for a timeout's message. */
  describe(topic: string): string {
    const behind = [...this.ends].filter(([p, end]) => (this.next.get(p) ?? 0) < end).map(([p]) => p);
    return `${this.records.length}/${this.expected} records from ${topic}, partitions not read to the end: [${behind.join(', ')}]`;
  }
}
