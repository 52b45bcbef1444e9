import type { PartitionOffsets } from '@kafka-fleet/contracts';

/**
 * Where a consumer group stands on one era of a logical topic (an earlier placement, bounded by
 * its floor and its fence):
 * - `never-read`: no committed offset there, and the group did not read an earlier era either: it
 *   is a group that started later, with nothing of this era to catch up on;
 * - `passed`: its committed offsets reached the fence on every partition that holds records;
 * - `behind`: records between its position and the fence were never handled (it was offline
 *   during the drain, or cut off from the service): it must read them before it moves on.
 */
export type EraStanding = 'never-read' | 'passed' | 'behind';

export interface EraBounds {
  readonly floor?: PartitionOffsets;
  readonly fence: PartitionOffsets;
}

/**
 * `committed` holds only partitions the group committed on. `readBefore` says the group is known
 * to have read this topic before the era began (it has offsets on an earlier era, or it drained
 * into this one): then a partition without a commit starts at the floor, never at "nothing to do".
 */
export function eraStanding(
  era: EraBounds,
  committed: PartitionOffsets,
  readBefore: boolean,
): { standing: EraStanding; unread: bigint } {
  const hasCommits = Object.keys(committed).length > 0;
  if (!hasCommits && !readBefore) return { standing: 'never-read', unread: 0n };
  let unread = 0n;
  for (const [partition, fenceAt] of Object.entries(era.fence)) {
    const floor = BigInt(era.floor?.[partition] ?? '0');
    const position = Object.hasOwn(committed, partition) ? BigInt(committed[partition]) : floor;
    const from = position > floor ? position : floor;
    const fence = BigInt(fenceAt);
    if (fence > from) unread += fence - from;
  }
  return { standing: unread > 0n ? 'behind' : 'passed', unread };
}
