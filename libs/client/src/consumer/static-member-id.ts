import { createHash } from 'node:crypto';
import type { Route } from '@kafka-fleet/core';

/**
 * Static membership id of a lane: stable across restarts of the same lane, but different for a
 * different set of physical topics. A closing static member does not leave its group, and a new
 * lane rejoining under the old id would silently inherit the old lane's assignment (partitions of
 * a topic it no longer reads) instead of triggering the rebalance that gives it the new topic.
 */
export function staticMemberId(instanceId: string, routes: readonly Route[]): string {
  const topics = routes
    .map((r) => r.physicalTopic)
    .sort()
    .join(',');
  return `${instanceId}-${createHash('sha1').update(topics).digest('hex').slice(0, 10)}`;
}
