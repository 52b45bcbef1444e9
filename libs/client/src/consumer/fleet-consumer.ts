import type { GroupReportInput } from '@kafka-fleet/contracts';
import { staticMemberId } from './static-member-id';
import {
  clientKey,
  findRoute,
  LANE_RESTART_BACKOFF,
  retryDelayMs,
  sameRoute,
  SYSTEM_RANDOM,
  withinBounds,
  type Route,
} from '@kafka-fleet/core';
import { BACKENDS } from '../backends/backend-pool';
import type { ConsumedRecord, TopicPartition } from '../backends/backend-port';
import type { ResolvedOptions } from '../config/client-options';
import { consumerTuning, type TuningSource } from '../config/tuning-source';
import { TopicAccessError } from '../errors/client-errors';
import type { ClientMetrics } from '../metrics/client-metrics';
import type { ConfigSource } from '../resolution/config-source';
import { EraCatchUp } from './era-catch-up';
import { GroupMonitor } from './group-monitor';
import { assignedThrough, laneOf, readsThrough, type Lane } from './consumer-lane';
import { flushWhileDraining } from './drain-flush';
import {
  DEFAULT_HANDLER_FAILURES,
  RecordDelivery,
  systemDeliveryDeps,
  type DeadLetterSink,
} from './record-delivery';

export interface EachMessagePayload {
  /** The logical topic. */
  readonly topic: string;
  readonly partition: number;
  readonly message: Omit<ConsumedRecord, 'topic' | 'partition'>;
  readonly clusterId: string;
  readonly physicalTopic: string;
}

export interface ConsumerConfig {
  readonly groupId: string;
  /** Where a group without a committed offset starts. @default true (earliest: nothing skipped) */
  readonly fromBeginning?: boolean;
}

/**
 * Consumes logical topics with one consumer group. Records are handed over one at a time per
 * partition, and a record's offset is committed once its handler resolved (at-least-once; after a
 * commit never again). When a topic's route changes, the lanes it used are closed (committing what
 * was handled) and it is consumed from its new place.
 *
 * @example
 * const consumer = fleet.consumer({ groupId: 'receipts-indexer' });
 * await consumer.subscribe({ topics: ['payments.receipts'] });
 * await consumer.run({ eachMessage: async ({ topic, message }) => index(message.value) });
 */
export class FleetConsumer {
  private topics: string[] = [];
  private lanes = new Map<string, Lane>();
  private handler?: (payload: EachMessagePayload) => Promise<void>;
  private reconciling: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;
  private flushTimer?: NodeJS.Timeout;
  private readonly monitor: GroupMonitor;
  private readonly catchUp: EraCatchUp;
  /** Whether the lanes' partitions are paused because an operator paused the group. */
  private pausedByOperator = false;
  /** Reconciles failed in a row (a lane that could not start): each is tried again after a back-off. */
  private failedReconciles = 0;
  private retryTimer?: NodeJS.Timeout;
  private closed = false;
  private readonly delivery: RecordDelivery;

  constructor(
    private readonly config: ConfigSource,
    private readonly options: ResolvedOptions,
    private readonly metrics: ClientMetrics,
    private readonly tuning: TuningSource,
    private readonly settings: ConsumerConfig,
    private readonly onDisconnected: () => void = () => undefined,
    /** Which consumer of its group this is in its client (0 for the first). */
    private readonly ordinal = 0,
    deadLetters?: DeadLetterSink,
  ) {
    this.monitor = new GroupMonitor(settings.groupId, options.instanceId, metrics);
    this.catchUp = new EraCatchUp(settings.groupId, options);
    this.delivery = new RecordDelivery(settings.groupId, {
      ...systemDeliveryDeps(options.logger, metrics, deadLetters),
      policy: () => this.policy(),
    });
    this.unsubscribe = config.onChange(() => this.reconcileLater());
  }

  /** Follows a route change (or a caught-up era) on the one chain every reconcile runs on. */
  private reconcileLater(): void {
    this.reconciling = this.reconciling.then(() => this.reconcileOrRetry()).catch(() => undefined);
  }

  /**
   * One reconcile; if it fails (a lane's cluster unreachable, a join refused), it is tried again
   * with jittered back-off (1 s doubling to 30 s) until it succeeds or the consumer is disconnected: a lane
   * that could not start must not stay down until the next route change.
   */
  private async reconcileOrRetry(): Promise<void> {
    try {
      await this.reconcile();
      this.failedReconciles = 0;
    } catch (error) {
      if (this.closed) throw error;
      const retryInMs = retryDelayMs(LANE_RESTART_BACKOFF, ++this.failedReconciles, SYSTEM_RANDOM);
      this.options.logger.error('consumer could not start or follow a lane; retrying', {
        group: this.settings.groupId,
        retryInMs,
        error: (error as Error).message,
      });
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.reconcileLater(), retryInMs);
      this.retryTimer.unref();
      throw error;
    }
  }

  async subscribe({ topics }: { topics: readonly string[] }): Promise<void> {
    for (const topic of topics) this.routeOf(topic);
    this.topics = [...new Set([...this.topics, ...topics])];
  }

  async run({ eachMessage }: { eachMessage: (payload: EachMessagePayload) => Promise<void> }): Promise<void> {
    this.handler = eachMessage;
    // Through the same chain as route changes: two reconciles never start lanes side by side. A
    // first start that fails is reported here and retried in the background.
    const first = this.reconciling.then(() => this.reconcileOrRetry());
    this.reconciling = first.catch(() => undefined);
    await first;
  }

  /** This consumer's group, per subscribed logical topic (for heartbeats: the groups a shuffle drains). */
  groupsByTopic(): Record<string, string[]> {
    return Object.fromEntries(this.topics.map((t) => [t, [this.settings.groupId]]));
  }

  /**
   * This member's state, assignment and rebalance figures, keyed by group (for heartbeats). The
   * assignment goes as partition lists per physical topic: a member owning 2,000 partitions must
   * not make its heartbeat too large to be accepted.
   */
  groupReports(): Record<string, GroupReportInput> {
    const assigned = assignedThrough(this.lanes.values());
    const { assignment: _none, ...report } = this.monitor.report(this.pausedByOperator, []);
    const held = this.delivery
      .heldPartitions((clusterId, physicalTopic, partition) =>
        Boolean(assigned.get(`${clusterId}/${physicalTopic}`)?.partitions.includes(partition)),
      )
      .map(({ since: _since, ...h }) => h);
    return { [this.settings.groupId]: { ...report, assigned: [...assigned.values()], held } };
  }

  /** Epoch consumed per logical topic (for heartbeats). */
  appliedEpochs(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const lane of this.lanes.values()) for (const r of lane.routes) out[r.topic] = r.epoch;
    return out;
  }

  async commitOffsets(
    offsets: ReadonlyArray<{ topic: string; partition: number; offset: string }>,
  ): Promise<void> {
    for (const o of offsets) {
      const { lane, route } = laneOf(this.lanes.values(), o.topic);
      await lane.consumer.commit([{ topic: route.physicalTopic, partition: o.partition, offset: o.offset }]);
    }
  }

  seek(target: { topic: string; partition: number; offset: string }): void {
    const { lane, route } = laneOf(this.lanes.values(), target.topic);
    lane.consumer.seek({ topic: route.physicalTopic, partition: target.partition, offset: target.offset });
  }

  pause(targets: ReadonlyArray<{ topic: string; partitions: number[] }>): void {
    for (const t of targets) {
      const { lane, route } = laneOf(this.lanes.values(), t.topic);
      lane.consumer.pause(t.partitions.map((partition) => ({ topic: route.physicalTopic, partition })));
    }
  }

  resume(targets: ReadonlyArray<{ topic: string; partitions: number[] }>): void {
    for (const t of targets) {
      const { lane, route } = laneOf(this.lanes.values(), t.topic);
      lane.consumer.resume(t.partitions.map((partition) => ({ topic: route.physicalTopic, partition })));
    }
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    clearInterval(this.flushTimer);
    clearTimeout(this.retryTimer);
    await this.reconciling;
    const lanes = [...this.lanes.values()];
    this.lanes.clear();
    await Promise.all(lanes.map((l) => l.consumer.disconnect()));
    this.onDisconnected();
  }

  private routeOf(topic: string): Route {
    const found = findRoute(this.config.snapshot(), topic, 'consume', this.settings.groupId);
    if (found.kind === 'unknown') throw new TopicAccessError(topic, 'resolve');
    if (found.kind === 'forbidden') throw new TopicAccessError(topic, 'consume');
    return found.route;
  }

  /** Makes the running lanes match the current routes: unchanged lanes are left alone. */
  private async reconcile(): Promise<void> {
    if (!this.handler || this.closed) return;
    const wanted = new Map<string, Route[]>();
    const snapshot = this.config.snapshot();
    // A lane is one backend consumer with one tuning: changed overrides restart it with the new one.
    const tuned = JSON.stringify(consumerTuning(this.tuning.of(snapshot)));
    for (const topic of this.topics) {
      let route: Route;
      try {
        route = this.routeOf(topic);
      } catch (error) {
        // One topic losing access must not stop the others from following their moves.
        this.options.logger.warn('topic no longer routable for this consumer', {
          topic,
          error: (error as Error).message,
        });
        continue;
      }
      const entry = snapshot.topics.find((t) => t.topic === topic);
      if (entry) route = await this.catchUp.routeFor(entry, route);
      const key = `${clientKey(route)}#${tuned}`;
      wanted.set(key, [...(wanted.get(key) ?? []), route]);
    }
    for (const [key, lane] of [...this.lanes]) {
      const next = wanted.get(key);
      const unchanged =
        next &&
        next.length === lane.routes.length &&
        next.every((r) => lane.routes.some((l) => sameRoute(l, r)));
      if (unchanged) {
        for (const r of next) lane.byPhysical.set(r.physicalTopic, r);
        wanted.delete(key);
        continue;
      }
      this.lanes.delete(key);
      this.delivery.release(readsThrough(lane));
      this.options.logger.info('consumer lane closing', { group: this.settings.groupId, lane: key });
      await lane.consumer.disconnect(); // commits what was handled before letting go
      if (this.lanes.size === 0) this.monitor.left();
      this.options.logger.info('consumer lane closed', { group: this.settings.groupId, lane: key });
      for (const r of lane.routes) this.metrics.routeSwitches.inc({ topic: r.topic });
    }
    for (const [key, routes] of wanted) {
      const delayMs = this.monitor.joinDelayMs();
      if (delayMs > 0) {
        this.options.logger.warn('rebalance storm: backing off before joining', {
          group: this.settings.groupId,
          delayMs,
        });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
      this.lanes.set(key, await this.startLane(key, routes));
      this.options.logger.info('consumer lane started', {
        group: this.settings.groupId,
        lane: key,
        topics: routes.map((r) => `${r.topic}@${r.epoch}`).join(','),
      });
    }
    this.flushWhileDraining();
    this.followPause();
    this.retryHeldUnderNewPolicy();
  }

  private policy() {
    return this.config.snapshot().handlerFailures ?? DEFAULT_HANDLER_FAILURES;
  }

  /** A new handler-failure policy (a dead-letter topic, more attempts) tries held records again. */
  private retryHeldUnderNewPolicy(): void {
    if (this.delivery.policyChanged(this.policy()))
      for (const lane of this.lanes.values())
        this.delivery.resumeHeld(lane, () => true, this.pausedByOperator);
  }

  /**
   * Pauses every partition of every lane while an operator has paused the group, and resumes them
   * when it is resumed. Partitions assigned later (a rebalance, a restarted lane) are paused as
   * they arrive, in the assignment listener.
   */
  private followPause(): void {
    const paused = this.config.snapshot().pausedGroups?.includes(this.settings.groupId) ?? false;
    if (paused === this.pausedByOperator) return;
    this.pausedByOperator = paused;
    this.options.logger.info(paused ? 'consumer group paused' : 'consumer group resumed', {
      group: this.settings.groupId,
    });
    for (const lane of this.lanes.values()) {
      const owned = lane.consumer.assignment();
      if (paused) lane.consumer.pause(owned);
      else {
        // An operator's resume is also the way to retry a held record.
        this.delivery.release(readsThrough(lane));
        lane.consumer.resume(owned);
      }
    }
  }

  private flushWhileDraining(): void {
    clearInterval(this.flushTimer);
    this.flushTimer = flushWhileDraining(
      [...this.lanes.values()],
      (lane) => this.lanes.get(lane.key) === lane,
      async (lane) => {
        if (await this.catchUp.progressed(lane.consumer, lane.routes)) this.reconcileLater();
      },
      this.options.logger,
    );
  }

  private async startLane(key: string, routes: Route[]): Promise<Lane> {
    const { backend, clusterId, bootstrapServers } = routes[0];
    const impl = BACKENDS[backend];
    // Static only with an instance id that survives restarts (see FleetClientOptions.instanceId).
    const staticMember = impl.capabilities.staticMembership && this.options.stableInstanceId;
    this.monitor.joining(backend, staticMember);
    const consumer = impl.createConsumer(
      { clusterId, bootstrapServers, clientId: `${this.options.appId}-${backend}` },
      {
        groupId: this.settings.groupId,
        groupInstanceId: staticMember
          ? staticMemberId(
              this.ordinal === 0 ? this.options.instanceId : `${this.options.instanceId}-${this.ordinal}`,
              routes,
            )
          : undefined,
        ...consumerTuning(this.tuning.of(this.config.snapshot())),
        // A group that read the topic before (it drained, or caught up on an era) starts where
        // the placement's era starts, whatever `fromBeginning` says: `latest` would skip records.
        fromBeginning:
          (this.settings.fromBeginning ?? true) ||
          routes.some((r) => this.catchUp.startsAtFloor(r.topic) || this.catchUp.isCatchingUp(r)),
      },
    );
    const byPhysical = new Map(routes.map((r) => [r.physicalTopic, r]));
    let ownJoin = true; // the lane's first assignment answers its own join
    await consumer.connect();
    await consumer.subscribe(routes.map((r) => r.physicalTopic));
    const lane: Lane = { key, routes, consumer, byPhysical };
    await consumer.run(
      async (record, context) => {
        const route = byPhysical.get(record.topic);
        const handler = this.handler;
        if (!route || !handler) return;
        // Outside the route's era (below a floor, at or past a fence): never the application's to
        // see here. Returning lets the offset be committed, so the group's progress passes it.
        if (!withinBounds(route, record.partition, record.offset)) {
          this.metrics.outOfBounds.inc({ topic: route.topic });
          return;
        }
        const { topic: _physical, partition, ...message } = record;
        return this.delivery.deliver(route, record, context, () =>
          handler({ topic: route.topic, partition, message, clusterId, physicalTopic: record.topic }),
        );
      },
      {
        listener: {
          onAssigned: (partitions, { rebalanceMs }) => {
            this.monitor.assigned(rebalanceMs, ownJoin);
            ownJoin = false;
            // A held partition that comes back (a rebalance) is delivered again from its commit.
            const gained = (p: TopicPartition) =>
              partitions.some((q) => q.topic === p.topic && q.partition === p.partition);
            this.delivery.resumeHeld(lane, gained, this.pausedByOperator);
            // A paused group stays paused across rebalances and lane restarts.
            if (this.pausedByOperator && partitions.length > 0) consumer.pause(partitions);
          },
        },
        onHandlerError: (error) =>
          this.options.logger.warn('record not handled; it will be redelivered', {
            group: this.settings.groupId,
            error: (error as Error).message,
          }),
      },
    );
    return lane;
  }
}
