/**
 * Pure decisions the shuffle orchestrator takes from what it observes. Offsets are strings on the
 * wire (int64); they are compared as BigInt so no offset beyond 2^53 is ever misjudged.
 */
export interface ProducerObservation {
  readonly instanceId: string;
  /** Lease expiry (ms since epoch): an expired lease counts as gone, not as pending. */
  readonly expiresAt: number;
  /** Epoch the instance has applied for the topic, if it produces to it. */
  readonly appliedEpoch?: number;
  readonly produces: boolean;
}

/** Live producer instances that have not yet applied `targetEpoch`. */
export function producersPending(
  instances: readonly ProducerObservation[],
  targetEpoch: number,
  now: number,
): string[] {
  return instances
    .filter((i) => i.produces && i.expiresAt > now && (i.appliedEpoch ?? 0) < targetEpoch)
    .map((i) => i.instanceId)
    .sort();
}

export type OffsetsByPartition = Readonly<Record<number, string>>;

/**
 * A consumer group may move to the target once its committed offset reached the fence (the
 * source's end offset recorded after every producer moved) on every partition. A partition with
 * nothing to read (fence = 0) counts as drained even without a commit.
 */
export function groupDrained(committed: OffsetsByPartition, fence: OffsetsByPartition): boolean {
  return Object.entries(fence).every(([partition, end]) => {
    const offset = committed[Number(partition)];
    if (BigInt(end) === 0n) return true;
    return offset !== undefined && BigInt(offset) >= BigInt(end);
  });
}

/** Records written to the source after the fence (by a zombie producer): what the sweep must copy. */
export function stragglers(
  fence: OffsetsByPartition,
  endNow: OffsetsByPartition,
): Array<{ partition: number; from: string; to: string }> {
  return Object.entries(endNow)
    .filter(([partition, end]) => BigInt(end) > BigInt(fence[Number(partition)] ?? '0'))
    .map(([partition, end]) => ({
      partition: Number(partition),
      from: fence[Number(partition)] ?? '0',
      to: end,
    }))
    .sort((a, b) => a.partition - b.partition);
}

/**
 * A partition's drain bound on a topic that may hold transactions: the offset after the last
 * record a read-committed consumer gets below `end` (what a group that handled everything has
 * committed at least), or '0' when it gets none there (nothing to drain). Transaction markers and
 * aborted records past that record are never delivered, so a group is not kept waiting for them.
 */
export function stableEnd(end: string, lastVisible: bigint | undefined): string {
  if (lastVisible === undefined) return '0';
  const next = lastVisible + 1n;
  return String(next < BigInt(end) ? next : BigInt(end));
}
