import type { AssignedPartitions, GroupReportInput } from '@kafka-fleet/contracts';
import { staticMemberId } from './static-member-id';
import { clientKey, findRoute, sameRoute, withinBounds, type Route } from '@kafka-fleet/core';
import { BACKENDS } from '../backends/backend-pool';
import type { BackendConsumer, ConsumedRecord } from '../backends/backend-port';
import type { ResolvedOptions } from '../config/client-options';
import { TopicAccessError } from '../errors/client-errors';
import type { ClientMetrics } from '../metrics/client-metrics';
import { recordBytes } from '../metrics/traffic-meter';
import type { ConfigSource } from '../resolution/config-source';
import { EraCatchUp } from './era-catch-up';
import { GroupMonitor } from './group-monitor';

const DRAIN_FLUSH_MS = 250;

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

/** Backend consumers of one group: one per backend per physical cluster the topics live on. */
interface Lane {
  readonly key: string;
  readonly routes: Route[];
  readonly consumer: BackendConsumer;
  /** Route per physical topic; replaced in place when only its bounds change (a fence arrived). */
  readonly byPhysical: Map<string, Route>;
}

const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;

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
  /** A reconcile that failed (a lane that could not start) is tried again after this long. */
  private retryMs = RETRY_FIRST_MS;
  private retryTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly config: ConfigSource,
    private readonly options: ResolvedOptions,
    private readonly metrics: ClientMetrics,
    private readonly settings: ConsumerConfig,
    private readonly onDisconnected: () => void = () => undefined,
    /** Which consumer of its group this is in its client (0 for the first). */
    private readonly ordinal = 0,
  ) {
    this.monitor = new GroupMonitor(settings.groupId, options.instanceId, metrics);
    this.catchUp = new EraCatchUp(settings.groupId, options);
    this.unsubscribe = config.onChange(() => this.reconcileLater());
  }

  /** Follows a route change (or a caught-up era) on the one chain every reconcile runs on. */
  private reconcileLater(): void {
    this.reconciling = this.reconciling.then(() => this.reconcileOrRetry()).catch(() => undefined);
  }

  /**
   * One reconcile; if it fails (a lane's cluster unreachable, a join refused), it is tried again
   * with back-off (1 s doubling to 30 s) until it succeeds or the consumer is disconnected: a lane
   * that could not start must not stay down until the next route change.
   */
  private async reconcileOrRetry(): Promise<void> {
    try {
      await this.reconcile();
      this.retryMs = RETRY_FIRST_MS;
    } catch (error) {
      if (this.closed) throw error;
      this.options.logger.error('consumer could not start or follow a lane; retrying', {
        group: this.settings.groupId,
        retryInMs: this.retryMs,
        error: (error as Error).message,
      });
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.reconcileLater(), this.retryMs);
      this.retryTimer.unref();
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
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
    const assigned = new Map<string, AssignedPartitions>();
    for (const lane of this.lanes.values())
      for (const p of lane.consumer.assignment()) {
        const route = lane.byPhysical.get(p.topic);
        if (!route) continue;
        const key = `${route.clusterId}/${p.topic}`;
        const entry = assigned.get(key) ?? {
          topic: route.topic,
          clusterId: route.clusterId,
          physicalTopic: p.topic,
          partitions: [],
        };
        entry.partitions.push(p.partition);
        assigned.set(key, entry);
      }
    const { assignment: _none, ...report } = this.monitor.report(this.pausedByOperator, []);
    return { [this.settings.groupId]: { ...report, assigned: [...assigned.values()] } };
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
      const { lane, route } = this.laneOf(o.topic);
      await lane.consumer.commit([{ topic: route.physicalTopic, partition: o.partition, offset: o.offset }]);
    }
  }

  seek(target: { topic: string; partition: number; offset: string }): void {
    const { lane, route } = this.laneOf(target.topic);
    lane.consumer.seek({ topic: route.physicalTopic, partition: target.partition, offset: target.offset });
  }

  pause(targets: ReadonlyArray<{ topic: string; partitions: number[] }>): void {
    for (const t of targets) {
      const { lane, route } = this.laneOf(t.topic);
      lane.consumer.pause(t.partitions.map((partition) => ({ topic: route.physicalTopic, partition })));
    }
  }

  resume(targets: ReadonlyArray<{ topic: string; partitions: number[] }>): void {
    for (const t of targets) {
      const { lane, route } = this.laneOf(t.topic);
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

  private laneOf(topic: string): { lane: Lane; route: Route } {
    for (const lane of this.lanes.values()) {
      const route = lane.routes.find((r) => r.topic === topic);
      if (route) return { lane, route };
    }
    throw new TopicAccessError(topic, 'resolve');
  }

  /** Makes the running lanes match the current routes: unchanged lanes are left alone. */
  private async reconcile(): Promise<void> {
    if (!this.handler || this.closed) return;
    const wanted = new Map<string, Route[]>();
    const snapshot = this.config.snapshot();
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
      wanted.set(clientKey(route), [...(wanted.get(clientKey(route)) ?? []), route]);
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
      else lane.consumer.resume(owned);
    }
  }

  /**
   * While a lane reads a shuffle's source (or an era it fell behind on) up to its fence, handled
   * offsets are made durable every `drainFlushMs`: the shuffle moves this group on only once its
   * committed offsets reach the fence, and so does the group itself on an era it catches up on.
   */
  private flushWhileDraining(): void {
    const draining = [...this.lanes.values()].filter((l) =>
      [...l.byPhysical.values()].some((r) => r.bounds?.ceiling),
    );
    clearInterval(this.flushTimer);
    this.flushTimer = undefined;
    if (draining.length === 0) return;
    this.flushTimer = setInterval(() => {
      // A lane closed since (its era caught up, its route moved) has nothing left to flush.
      for (const lane of draining.filter((l) => this.lanes.get(l.key) === l))
        lane.consumer
          .flush()
          .then(() => this.catchUp.progressed(lane.consumer, lane.routes))
          .then((passed) => passed && this.reconcileLater())
          .catch((error: unknown) =>
            this.options.logger.warn('commit flush while draining failed', {
              error: (error as Error).message,
            }),
          );
    }, DRAIN_FLUSH_MS);
    this.flushTimer.unref();
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
        sessionTimeoutMs: this.options.sessionTimeoutMs,
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
    await consumer.run(
      async (record) => {
        const route = byPhysical.get(record.topic);
        if (!route || !this.handler) return;
        // Outside the route's era (below a floor, at or past a fence): never the application's to
        // see here. Returning lets the offset be committed, so the group's progress passes it.
        if (!withinBounds(route, record.partition, record.offset)) {
          this.metrics.outOfBounds.inc({ topic: route.topic });
          return;
        }
        const labels = { topic: route.topic, cluster: clusterId, backend };
        const end = this.metrics.consumeLatency.startTimer(labels);
        const { topic: _physical, partition, ...message } = record;
        await this.handler({
          topic: route.topic,
          partition,
          message,
          clusterId,
          physicalTopic: record.topic,
        });
        end();
        this.metrics.consumed.inc(labels);
        this.metrics.traffic.consumed(route.topic, recordBytes(record));
      },
      {
        listener: {
          onAssigned: (partitions, { rebalanceMs }) => {
            this.monitor.assigned(rebalanceMs, ownJoin);
            ownJoin = false;
            // A paused group stays paused across rebalances and lane restarts.
            if (this.pausedByOperator && partitions.length > 0) consumer.pause(partitions);
          },
        },
        onHandlerError: (error) =>
          this.options.logger.warn('handler failed; the record will be redelivered', {
            group: this.settings.groupId,
            error: (error as Error).message,
          }),
      },
    );
    return { key, routes, consumer, byPhysical };
  }
}
