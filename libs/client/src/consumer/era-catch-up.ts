import type { PartitionOffsets, SnapshotEra, SnapshotTopic } from '@kafka-fleet/contracts';
import { eraRoute, eraStanding, type EraStanding, type Route } from '@kafka-fleet/core';
import { BACKENDS } from '../backends/backend-pool';
import type { BackendConsumer } from '../backends/backend-port';
import type { ResolvedOptions } from '../config/client-options';

/** How often a lane catching up asks Kafka for its group's commits (each ask is a round trip). */
const PROGRESS_CHECK_MS = 1000;

const eraKey = (topic: string, epoch: number): string => `${topic}@${epoch}`;

function partitionsOf(route: Route): Array<{ topic: string; partition: number }> {
  return Array.from({ length: route.partitions }, (_, partition) => ({
    topic: route.physicalTopic,
    partition,
  }));
}

/** Committed offsets as the standing check wants them: partitions never committed left out. */
async function committedOn(consumer: BackendConsumer, route: Route): Promise<PartitionOffsets> {
  const offsets = await consumer.committed(partitionsOf(route));
  return Object.fromEntries(
    offsets.filter((o) => BigInt(o.offset) >= 0n).map((o) => [String(o.partition), o.offset]),
  );
}

/**
 * Makes a consumer group that was away during a shuffle (offline, scaled to zero, cut off from the
 * service) read what it missed. A completed shuffle leaves its source as an era of the topic; a
 * group whose committed offsets there are below the fence reads that era, oldest first, up to the
 * fence, before it reads the current placement, which it then starts at the floor, never at
 * `latest`. What each era's standing is comes from the group's own offsets in Kafka, so it holds
 * whatever the service saw of the group.
 */
export class EraCatchUp {
  /** Standing per era (`topic@epoch`) once known; `behind` until the group's commits pass the fence. */
  private readonly standings = new Map<string, EraStanding>();
  /** Logical topics this group is known to have read before their current placement. */
  private readonly movedAlong = new Set<string>();
  /** When each era being caught up on was last looked at (`topic@epoch`). */
  private readonly checkedAt = new Map<string, number>();

  constructor(
    private readonly groupId: string,
    private readonly options: ResolvedOptions,
  ) {}

  /**
   * The route `entry` is to be read on by this group now: the oldest era it is behind on (older
   * than `current`), else `current`. Eras not yet judged are judged by reading the group's
   * committed offsets there.
   */
  async routeFor(entry: SnapshotTopic, current: Route): Promise<Route> {
    if (entry.migration?.drainedGroups.includes(this.groupId)) this.movedAlong.add(entry.topic);
    const eras = (entry.eras ?? []).filter((e) => e.epoch < current.epoch);
    // Every era not judged yet is asked about at once: a topic moved often (each fleet rebalance
    // move is a shuffle) would otherwise delay a consumer's start by one connection per era.
    const unjudged = eras.filter((e) => !this.standings.has(eraKey(entry.topic, e.epoch)));
    const commits = new Map(
      await Promise.all(
        unjudged.map(async (e) => [e.epoch, await this.committedOnEra(eraRoute(entry, e), e)] as const),
      ),
    );
    for (const era of eras) {
      const committed = commits.get(era.epoch);
      const standing = committed
        ? this.judge(entry.topic, era, committed)
        : this.standings.get(eraKey(entry.topic, era.epoch));
      if (standing === 'behind') return eraRoute(entry, era);
    }
    return current;
  }

  /** Whether this group read `topic` on an earlier placement: it then starts the current one at its floor. */
  startsAtFloor(topic: string): boolean {
    return this.movedAlong.has(topic);
  }

  /** Whether `route` is an era this group is catching up on. */
  isCatchingUp(route: Route): boolean {
    return this.standings.get(eraKey(route.topic, route.epoch)) === 'behind';
  }

  /**
   * Looks again at eras being caught up on, through the lane reading them: returns whether one was
   * passed (the caller then moves the group on).
   */
  async progressed(consumer: BackendConsumer, routes: readonly Route[]): Promise<boolean> {
    const now = Date.now();
    const due = routes.filter(
      (r) =>
        this.isCatchingUp(r) &&
        now - (this.checkedAt.get(eraKey(r.topic, r.epoch)) ?? 0) >= PROGRESS_CHECK_MS,
    );
    let passed = false;
    for (const route of due) {
      this.checkedAt.set(eraKey(route.topic, route.epoch), now);
      const committed = await committedOn(consumer, route);
      const { standing } = eraStanding(
        { floor: route.bounds?.floor, fence: route.bounds?.ceiling ?? {} },
        committed,
        true,
      );
      if (standing === 'behind') continue;
      this.standings.set(eraKey(route.topic, route.epoch), 'passed');
      this.options.logger.info('consumer group caught up on an earlier era', {
        group: this.groupId,
        topic: route.topic,
        epoch: route.epoch,
      });
      passed = true;
    }
    return passed;
  }

  private async committedOnEra(route: Route, era: SnapshotEra): Promise<PartitionOffsets> {
    const probe = BACKENDS[route.backend].createConsumer(
      { clusterId: era.clusterId, bootstrapServers: era.bootstrapServers, clientId: this.options.appId },
      { groupId: this.groupId, sessionTimeoutMs: this.options.sessionTimeoutMs, fromBeginning: true },
    );
    await probe.connect();
    try {
      return await committedOn(probe, route);
    } finally {
      await probe.disconnect().catch(() => undefined);
    }
  }

  /** Oldest first: whether the group read an earlier era decides what no commit here means. */
  private judge(topic: string, era: SnapshotEra, committed: PartitionOffsets): EraStanding {
    const { standing, unread } = eraStanding(era, committed, this.movedAlong.has(topic));
    if (standing !== 'never-read') this.movedAlong.add(topic);
    this.standings.set(eraKey(topic, era.epoch), standing);
    if (standing === 'behind')
      this.options.logger.warn(
        'consumer group is behind on an earlier era: reading it up to its fence first',
        {
          group: this.groupId,
          topic,
          epoch: era.epoch,
          cluster: era.clusterId,
          unread: unread.toString(),
        },
      );
    return standing;
  }
}
