import { Inject, Injectable, Logger } from '@nestjs/common';
import { SERVICE_CONFIG } from '../config/config.tokens';
import type { ServiceConfig } from '../config/service-config';
import type { Cluster, PartitionOffsets, SweepReport, Topic, TopicEra } from '@kafka-fleet/contracts';
import {
  ConflictError,
  UnavailableError,
  WRITE_FENCE_CONFIG,
  groupDrained,
  offsetsSettled,
  producersPending,
  stragglers,
} from '@kafka-fleet/core';
import { KafkaAdminGateway } from '../kafka/kafka-admin.gateway';
import { StableEndReader } from '../kafka/stable-end.reader';
import { StragglerSweeper } from '../kafka/straggler-sweeper';
import { ServiceMetrics } from '../metrics/service-metrics';
import { FleetKeys } from '../storage/fleet-keys';
import { FleetRepository } from '../storage/fleet.repository';
import { InstanceRepository } from '../storage/instance.repository';
import { MigrationRepository, type StoredMigration } from '../storage/migration.repository';
import type { LeaseGuard } from '../scheduling/leased-tick-loop';
import { MigrationWriter } from './migration-writer';

/**
 * What a completed shuffle leaves of its source: an era that groups which were away read up to the
 * fence when they come back. Stragglers past the fence were swept, so the fence bounds it.
 */
function eraOf(m: StoredMigration): TopicEra {
  return {
    epoch: m.epochFrom,
    clusterId: m.source.clusterId,
    physicalTopic: m.source.physicalTopic,
    ...(m.sourceFloor ? { floor: m.sourceFloor } : {}),
    fence: m.fence ?? {},
    migrationId: m.id,
    endedAt: new Date().toISOString(),
  };
}

/**
 * The sweep report after `records` more were copied on `partition` up to `next` (or, `absolute`,
 * after that partition's total reached `records`: progress found committed in Kafka).
 */
function sweepAfter(
  m: StoredMigration,
  partition: number,
  next: string,
  records: number,
  absolute: boolean,
): SweepReport {
  const before = m.sweep?.partitions ?? [];
  const earlier = before.find((p) => p.partition === partition);
  const partitions = [
    ...before.filter((p) => p.partition !== partition),
    {
      partition,
      from: (m.fenceEnd ?? m.fence)?.[String(partition)] ?? '0',
      to: next,
      records: absolute ? records : (earlier?.records ?? 0) + records,
    },
  ].sort((a, b) => a.partition - b.partition);
  return { records: partitions.reduce((n, p) => n + (p.records ?? 0), 0), partitions };
}

/**
 * The work of each shuffle phase. Every step is idempotent and starts from what is stored, so a
 * step interrupted by a crash is simply done again by whichever replica holds the lease next.
 */
@Injectable()
export class MigrationSteps {
  private readonly logger = new Logger('migrations');
  constructor(
    private readonly repo: FleetRepository,
    private readonly migrations: MigrationRepository,
    private readonly instances: InstanceRepository,
    private readonly kafka: KafkaAdminGateway,
    private readonly sweeper: StragglerSweeper,
    private readonly stableEnds: StableEndReader,
    private readonly writer: MigrationWriter,
    private readonly metrics: ServiceMetrics,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  /** Target topic created (same partitions and configs) and its start offsets recorded; then producers switch. */
  async prepare(m: StoredMigration, topic: Topic, lease: LeaseGuard): Promise<void> {
    const target = await this.repo.require('cluster', m.target.clusterId);
    try {
      await this.kafka.ensureTopic(target, {
        name: m.target.physicalTopic,
        partitions: topic.partitions,
        replicationFactor: Math.min(topic.replicationFactor, await this.kafka.brokerCount(target)),
        configs: topic.configs,
      });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // Nothing has moved yet: a target that cannot hold the topic ends the shuffle cleanly.
      await this.writer.enter(m, topic, 'failed', {
        record: { lastError: error.message },
        leaseOwner: lease.owner,
      });
      return;
    }
    const startOffsets = await this.kafka.endOffsets(target, m.target.physicalTopic);
    await this.writer.enter(m, topic, 'switch-producers', {
      topic: { placement: m.target, epoch: m.epochTo, floor: startOffsets },
      record: { startOffsets },
      indexOps: [{ op: 'sadd', key: FleetKeys.placement(m.target.clusterId), m: topic.name }],
      detail: { to: m.target, epoch: m.epochTo, startOffsets },
      leaseOwner: lease.owner,
    });
  }

  /**
   * Waits until every live producer instance of the topic switched to the new epoch, at most
   * `switchDeadlineMs`: the broker fence that follows is what stops a producer that never switches
   * (cut off from the service, or not ours), so waiting only makes the switch smooth.
   */
  async switchProducers(m: StoredMigration, topic: Topic, lease: LeaseGuard): Promise<void> {
    // Leases are judged on Redis's clock, as they were written; waiting is measured on this one.
    const now = await this.instances.now();
    const live = (await this.instances.live(now)).map((i) => ({
      instanceId: i.instanceId,
      expiresAt: Date.parse(i.expiresAt),
      // Own keys only: a topic may be called "constructor" (house rule: names are data).
      produces: Object.hasOwn(i.producerEpochs ?? {}, topic.name),
      appliedEpoch: Object.hasOwn(i.producerEpochs ?? {}, topic.name)
        ? i.producerEpochs[topic.name]
        : undefined,
    }));
    const pending = producersPending(live, m.epochTo, now);
    const acknowledged = live
      .filter((i) => i.produces && !pending.includes(i.instanceId))
      .map((i) => i.instanceId)
      .sort();
    const waitedMs = Date.now() - m.history[m.history.length - 1].enteredAt;
    if (pending.length > 0 && waitedMs < this.config.migration.switchDeadlineMs) {
      if (
        pending.join() !== m.producersPending.join() ||
        acknowledged.join() !== m.producersAcknowledged.join()
      )
        await this.migrations.update(
          m,
          { producersPending: pending, producersAcknowledged: acknowledged },
          lease.owner,
        );
      return;
    }
    if (pending.length > 0)
      this.logger.warn(
        `shuffle ${m.id}: ${pending.length} producer(s) did not switch within ${this.config.migration.switchDeadlineMs} ms; fencing the source anyway`,
      );
    await this.writer.enter(m, topic, 'fence', {
      record: { producersPending: pending, producersAcknowledged: acknowledged },
      detail: {
        producersAcknowledged: acknowledged.length,
        ...(pending.length > 0 ? { producersNotSwitched: pending } : {}),
      },
      leaseOwner: lease.owner,
    });
  }

  /**
   * Makes the source's brokers refuse every write, then records its end offsets once they hold
   * still: every acknowledged record of the source era is below them, and no producer (switched,
   * cut off, or not ours) can get an acknowledgement from the source again. Applying the fence
   * again after a crash is a no-op.
   */
  async fence(m: StoredMigration, topic: Topic, lease: LeaseGuard): Promise<void> {
    const source = await this.repo.require('cluster', m.source.clusterId);
    const started = Date.now();
    await this.kafka.fenceWrites(source, m.source.physicalTopic);
    const fence = await this.settledEndOffsets(source, m.source.physicalTopic);
    const fenceApplyMs = Date.now() - started;
    this.metrics.fenceApplySeconds.observe(fenceApplyMs / 1000);
    // Every group Kafka holds offsets for is drained, whether or not its members heartbeat.
    const found = await this.kafka.groupsWithOffsets(source, m.source.physicalTopic);
    const groups = [...new Set([...m.groups, ...found.keys()])].sort();
    await this.writer.enter(m, topic, 'drain-consumers', {
      record: { fence, groups },
      detail: { fence, writeFence: WRITE_FENCE_CONFIG, fenceApplyMs, groups: groups.length },
      leaseOwner: lease.owner,
    });
  }

  private async settledEndOffsets(source: Cluster, physicalTopic: string): Promise<PartitionOffsets> {
    const settleMs = this.config.migration.fenceSettleMs;
    let previous: PartitionOffsets | undefined;
    for (let reading = 0; reading < 50; reading++) {
      const current = await this.kafka.endOffsets(source, physicalTopic);
      if (offsetsSettled(previous, current)) return current;
      previous = current;
      await new Promise((r) => setTimeout(r, settleMs));
    }
    throw new UnavailableError(
      `the end offsets of ${physicalTopic} on ${source.id} kept moving after its write fence`,
      { context: { cluster: source.id, topic: physicalTopic } },
    );
  }

  /**
   * Lets each consumer group move once its committed offsets reached the fence on every partition.
   * Groups still reading the source (members in Kafka, or heartbeating) are waited for. A group
   * with nobody reading (offline, scaled to zero) is waited for only `offlineGroupGraceMs`, then
   * reported as offline: the source stays an era of the topic, and the group reads it up to the
   * fence when it comes back (see `complete`), so nothing it has not handled is lost.
   */
  async drainConsumers(m: StoredMigration, topic: Topic, lease: LeaseGuard): Promise<void> {
    const source = await this.repo.require('cluster', m.source.clusterId);
    const live = new Set(
      (await this.instances.live()).flatMap((i) =>
        Object.hasOwn(i.consumerGroups ?? {}, topic.name) ? i.consumerGroups[topic.name] : [],
      ),
    );
    const groups = [...new Set([...m.groups, ...live])].sort();
    const drained = [...m.groupsDrained];
    for (const group of groups.filter((g) => !drained.includes(g))) {
      const committed = await this.kafka.committedOffsets(source, group, m.source.physicalTopic);
      if (groupDrained(committed, m.fence ?? {})) drained.push(group);
      else
        this.logger.debug(
          `shuffle ${m.id}: group ${group} at ${JSON.stringify(committed)}, fence ${JSON.stringify(m.fence)}`,
        );
    }
    drained.sort();
    const pending = groups.filter((g) => !drained.includes(g));
    const present = await this.kafka.groupsWithMembers(source, pending);
    const offline = pending.filter((g) => !live.has(g) && !present.has(g));
    const drainingFor = Date.now() - m.history[m.history.length - 1].enteredAt;
    const giveUpOnOffline =
      offline.length === pending.length && drainingFor >= this.config.migration.offlineGroupGraceMs;
    // A drain still waiting after a while, or leaving groups behind in the source's era, may be
    // waiting on offsets no group can commit (transaction markers): the fence is judged once more,
    // by what a consumer can get. Paid once per such shuffle, by none that drains at once.
    if (
      pending.length > 0 &&
      m.fenceEnd === undefined &&
      (giveUpOnOffline || drainingFor >= this.config.migration.stableEndAfterMs)
    )
      return this.fenceAtStableEnd(m, topic, source, lease);
    if (pending.length === 0 || giveUpOnOffline) {
      await this.writer.enter(m, topic, 'complete', {
        record: { groups, groupsDrained: drained, ...(offline.length > 0 ? { groupsOffline: offline } : {}) },
        detail: { groups: groups.length, ...(offline.length > 0 ? { groupsOffline: offline } : {}) },
        leaseOwner: lease.owner,
      });
    } else if (drained.length > m.groupsDrained.length) {
      await this.writer.enter(m, topic, 'drain-consumers', {
        record: { groups, groupsDrained: drained },
        leaseOwner: lease.owner,
      });
    } else if (groups.length > m.groups.length) {
      await this.migrations.update(m, { groups }, lease.owner);
    }
  }

  /**
   * Lowers the fence to, per partition, the offset after the last record a read-committed consumer
   * gets (StableEndReader); the end offsets stay as `fenceEnd`, where the sweep starts. Only
   * transaction markers and aborted records lie between the two, so nothing deliverable moves out
   * of the source's era, and groups that read everything are drained.
   */
  private async fenceAtStableEnd(m: StoredMigration, topic: Topic, source: Cluster, lease: LeaseGuard) {
    const end = m.fence ?? {};
    const fence = await this.stableEnds.stableEnds(source, m.source.physicalTopic, end);
    lease.assertHeld();
    await this.writer.enter(m, topic, 'drain-consumers', {
      record: { fence, fenceEnd: end },
      detail: { fence, fenceEnd: end },
      leaseOwner: lease.owner,
    });
  }

  /** Sweeps stragglers (records written to the source after the fence) onto the target, then retires the source. */
  async complete(m: StoredMigration, topic: Topic, lease: LeaseGuard): Promise<void> {
    const [source, target] = await Promise.all([
      this.repo.require('cluster', m.source.clusterId),
      this.repo.require('cluster', m.target.clusterId),
    ]);
    const fence = m.fenceEnd ?? m.fence ?? {};
    const endNow = await this.kafka.endOffsets(source, m.source.physicalTopic);
    let current = m;
    // Resume an interrupted sweep where its last acknowledged batch ended.
    const from = {
      ...fence,
      ...Object.fromEntries((m.sweep?.partitions ?? []).map((p) => [String(p.partition), p.to])),
    };
    const ranges = stragglers(from, endNow);
    if (ranges.length > 0) current = await this.sweep(current, source, target, ranges, lease);
    lease.assertHeld();
    const records = current.sweep?.records ?? 0;
    await this.writer.enter(current, topic, 'done', {
      topic: { eras: [...(topic.eras ?? []), eraOf(m)] },
      record: { sweep: { records, partitions: current.sweep?.partitions ?? [] } },
      indexOps: this.retireSourceIndex(m, topic),
      detail: { sweptRecords: records, retired: m.source },
      leaseOwner: lease.owner,
    });
  }

  private async sweep(
    m: StoredMigration,
    source: Cluster,
    target: Cluster,
    ranges: Array<{ partition: number; from: string; to: string }>,
    lease: LeaseGuard,
  ): Promise<StoredMigration> {
    let current = m;
    await this.sweeper.sweep({
      migrationId: m.id,
      source: { cluster: source, topic: m.source.physicalTopic },
      target: { cluster: target, topic: m.target.physicalTopic },
      ranges,
      timeoutMs: this.config.migration.sweepTimeoutMs,
      maxBytesPerPartition: this.config.migration.sweepFetchBytes,
      // The sweeper's transactions fence a paused replica's copies; this just stops it early.
      beforeCopy: () => lease.assertHeld(),
      onCopied: async (partition, nextOffset, records, how) => {
        const sweep = sweepAfter(current, partition, nextOffset, records, how?.absolute === true);
        if (JSON.stringify(sweep) === JSON.stringify(current.sweep)) return; // known already
        const added = sweep.records - (current.sweep?.records ?? 0);
        if (added > 0) this.metrics.sweptRecords.inc(added);
        // The report of what Kafka holds committed; a crash loses none of it (see StragglerSweeper).
        current = await this.saveSweep(current, sweep, lease.owner);
      },
    });
    return current;
  }

  /**
   * Saves sweep progress over `current`. If the record changed meanwhile, only a change that left
   * the sweep alone (an operator's hold, a step error noted) is written over; progress someone
   * else saved means another replica is sweeping, and this step stops rather than overwrite it.
   */
  private async saveSweep(
    current: StoredMigration,
    sweep: SweepReport,
    leaseOwner: string,
  ): Promise<StoredMigration> {
    const saved = await this.migrations.update(current, { sweep }, leaseOwner);
    if (saved) return saved;
    const fresh = await this.migrations.require(current.id);
    if (JSON.stringify(fresh.sweep) !== JSON.stringify(current.sweep))
      throw new ConflictError(`shuffle ${current.id}: another replica saved sweep progress; stopping`);
    const retried = await this.migrations.update(fresh, { sweep }, leaseOwner);
    if (!retried) throw new ConflictError(`shuffle ${current.id} kept changing while sweeping; will retry`);
    return retried;
  }

  /** The source cluster stops hosting the logical topic (unless the shuffle stayed on one cluster). */
  private retireSourceIndex(m: StoredMigration, topic: Topic) {
    return m.source.clusterId === m.target.clusterId
      ? []
      : [{ op: 'srem' as const, key: FleetKeys.placement(m.source.clusterId), m: topic.name }];
  }
}
