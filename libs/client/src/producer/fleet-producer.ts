import type { SnapshotMigration } from '@kafka-fleet/contracts';
import {
  findRoute,
  retryDelayMs,
  sameRoute,
  SEND_RETRY_BACKOFF,
  SYSTEM_RANDOM,
  type Route,
} from '@kafka-fleet/core';
import type { ProducerPool } from '../backends/backend-pool';
import type { OutgoingRecord, ProducerSettings } from '../backends/backend-port';
import type { ResolvedOptions } from '../config/client-options';
import { producerSettings, type TuningSource } from '../config/tuning-source';
import { BackendError, RouteFencedError, TopicAccessError } from '../errors/client-errors';
import type { ClientMetrics } from '../metrics/client-metrics';
import { recordBytes } from '../metrics/traffic-meter';
import type { ConfigSource } from '../resolution/config-source';
import { TopicLane } from './topic-lane';

/** A record as application code writes it (the kafkajs shape): exactly what the backend port sends. */
export type FleetMessage = OutgoingRecord;

/** How often one send follows a fenced route to a new one before giving up (a shuffle moves it once). */
const MAX_REROUTES = 3;

/**
 * A send refused by a fenced physical topic: the route it was sent on, what earlier attempts on it
 * wrote, and the records of the refused attempt.
 */
class FencedSend extends Error {
  constructor(
    readonly route: Route,
    readonly refusal: BackendError,
    readonly written: readonly RecordMetadata[],
    readonly attempted: readonly FleetMessage[],
  ) {
    super(refusal.message);
  }
}

/** One partition written by a send (KafkaJS's shape), plus where it physically went. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  /** Offset of the first record this send wrote to the partition. */
  readonly baseOffset: string;
  /** Where the record physically went: useful in logs, not needed to consume it. */
  readonly clusterId: string;
  readonly epoch: number;
}

/**
 * Produces to logical topics. Each topic has a lane that follows its route live; sends are retried
 * by error class (retry or surface), within one budget: `deliveryTimeoutMs` and `maxSendRetries`.
 *
 * @example
 * const producer = fleet.producer();
 * await producer.send({ topic: 'payments.receipts', messages: [{ key: 'customer-42', value: JSON.stringify(receipt) }] });
 */
export class FleetProducer {
  private readonly lanes = new Map<string, TopicLane>();
  /** The producer settings new sends move to (lanes switch to them once their sends drained). */
  private settings: ProducerSettings;

  constructor(
    private readonly config: ConfigSource,
    private readonly pool: ProducerPool,
    private readonly options: ResolvedOptions,
    private readonly metrics: ClientMetrics,
    private readonly tuning: TuningSource,
    private readonly onEpochApplied: () => void = () => undefined,
  ) {
    this.settings = this.settingsOf(config.snapshot());
    config.onChange((next) => {
      this.retune(this.settingsOf(next));
      const entries = new Map(next.topics.map((t) => [t.topic, t]));
      for (const [topic, lane] of this.lanes) {
        const found = findRoute(next, topic, 'produce');
        if (found.kind !== 'ok') {
          this.closeLane(topic, lane, found.kind === 'unknown' ? 'resolve' : 'produce');
          continue;
        }
        lane.follow(found.route);
        this.warmTarget(entries.get(topic)?.migration?.target, found.route);
      }
    });
  }

  /**
   * Sends to one logical topic; resolves when every record is acknowledged (acks=all). A write
   * refused because a shuffle fenced the physical topic is sent again on the topic's new route
   * (only the records that were not written, where the backend can tell), the way ioredis follows
   * `MOVED`; with the config service unreachable it fails with a retriable RouteFencedError.
   */
  async send(record: { topic: string; messages: readonly FleetMessage[] }): Promise<RecordMetadata[]> {
    // One budget for the whole send: the lane's wait, every retry (ours and the backend's), reroutes.
    const deadline = Date.now() + this.options.deliveryTimeoutMs;
    const lane = this.lane(record.topic);
    const written: RecordMetadata[] = [];
    let messages = record.messages;
    for (let hop = 0; ; hop++) {
      try {
        const acks = await lane.run(messages.length, (route, settings) =>
          this.sendWithRetries(route, settings, messages, deadline),
        );
        return [...written, ...acks];
      } catch (error) {
        if (!(error instanceof FencedSend)) throw error;
        if (hop >= MAX_REROUTES || Date.now() >= deadline) throw error.refusal;
        await this.followMovedRoute(record.topic, error);
        const outcome = error.refusal.outcome;
        written.push(...error.written, ...(outcome?.acks ?? []).map((a) => this.metadataOf(error.route, a)));
        messages = outcome ? (outcome.notWritten as FleetMessage[]) : error.attempted;
        this.metrics.remediations.inc({ action: 'reroute', backend: error.route.backend });
      }
    }
  }

  /**
   * New producer settings (the app's config overrides changed): each lane moves to them once its
   * sends in flight answered, on new backend clients; the old clients are closed when no lane
   * uses them any more.
   */
  private retune(settings: ProducerSettings): void {
    if (JSON.stringify(settings) === JSON.stringify(this.settings)) return;
    this.settings = settings;
    this.options.logger.info('producer settings changed', { ...settings });
    void Promise.all([...this.lanes.values()].map((lane) => lane.retune(settings))).then(() =>
      // A later change retires these in turn, once its own lanes have moved.
      this.settings === settings ? this.pool.retireOthers(settings) : undefined,
    );
  }

  /**
   * The app lost access to `topic` (or the topic left its profile): the lane closes, so its sends
   * fail with a typed error and the heartbeat stops reporting an epoch for it. A send after access
   * comes back opens a new lane.
   */
  private closeLane(topic: string, lane: TopicLane, what: 'produce' | 'resolve'): void {
    this.lanes.delete(topic);
    this.options.logger.warn('producer lane closed: access to the topic was revoked', { topic });
    void lane.close(new TopicAccessError(topic, what)).then(() => this.onEpochApplied());
  }

  /**
   * Asks the service where the topic is now. If it moved, the lane switches (config listeners
   * call `follow`) and the caller sends again; if not, the refusal was about the records
   * themselves (too large) and is the answer.
   */
  private async followMovedRoute(topic: string, fenced: FencedSend): Promise<void> {
    try {
      await this.config.refresh();
    } catch (error) {
      throw new RouteFencedError(topic, fenced.route, error);
    }
    const found = findRoute(this.config.snapshot(), topic, 'produce');
    if (found.kind === 'unknown') throw new TopicAccessError(topic, 'resolve');
    if (found.kind === 'forbidden') throw new TopicAccessError(topic, 'produce');
    if (sameRoute(found.route, fenced.route)) throw fenced.refusal;
    this.lanes.get(topic)?.follow(found.route);
  }

  /**
   * While a shuffle prepares, connects the producer the topic will use on its target, so that the
   * switch (and the first sends refused by the fence) do not also wait for a new connection. A
   * failure here is only a missed head start: the switch connects as before.
   */
  private warmTarget(target: SnapshotMigration['target'], route: Route): void {
    if (!target || target.clusterId === route.clusterId) return;
    const next: Route = { ...route, ...target, bootstrapServers: [...target.bootstrapServers] };
    this.pool.get(next, this.settings).catch(() => undefined);
  }

  /** The producer settings in force for `snapshot`: its tuning, and the client's send budget. */
  private settingsOf(snapshot: Parameters<TuningSource['of']>[0]): ProducerSettings {
    return {
      ...producerSettings(this.tuning.of(snapshot)),
      deliveryTimeoutMs: this.options.deliveryTimeoutMs,
    };
  }

  private metadataOf(route: Route, ack: { partition: number; baseOffset: string }): RecordMetadata {
    return {
      topic: route.topic,
      partition: ack.partition,
      baseOffset: ack.baseOffset,
      clusterId: route.clusterId,
      epoch: route.epoch,
    };
  }

  /** Sends to several logical topics at once. */
  async sendBatch(batch: {
    topicMessages: ReadonlyArray<{ topic: string; messages: readonly FleetMessage[] }>;
  }): Promise<RecordMetadata[]> {
    return (await Promise.all(batch.topicMessages.map((t) => this.send(t)))).flat();
  }

  /** Epoch in use per logical topic (reported in heartbeats: what this instance has applied). */
  appliedEpochs(): Record<string, number> {
    return Object.fromEntries([...this.lanes].map(([topic, lane]) => [topic, lane.applied.epoch]));
  }

  private lane(topic: string): TopicLane {
    let lane = this.lanes.get(topic);
    if (!lane) {
      const found = findRoute(this.config.snapshot(), topic, 'produce');
      if (found.kind === 'unknown') throw new TopicAccessError(topic, 'resolve');
      if (found.kind === 'forbidden') throw new TopicAccessError(topic, 'produce');
      const buffer = () => this.tuning.of(this.config.snapshot()).maxInFlightBuffer;
      lane = new TopicLane(found.route, this.settings, buffer, (from, to) => {
        this.metrics.routeSwitches.inc({ topic });
        this.options.logger.info('producer route switched', {
          topic,
          from: `${from.clusterId}/${from.backend}@${from.epoch}`,
          to: `${to.clusterId}/${to.backend}@${to.epoch}`,
        });
        this.onEpochApplied();
      });
      this.lanes.set(topic, lane);
    }
    return lane;
  }

  /**
   * Sends on one route. The backend retries a request it sent, in order and under its producer
   * identity, until the deadline; what reaches this loop with time left failed before anything was
   * sent (no connection to the cluster yet), and is tried again within the same budget. A retry
   * sends only what the failed attempt did not write (`BackendError.outcome`). A retry never
   * rebuilds a shared client: that failed other topics' sends in flight on it.
   */
  private async sendWithRetries(
    route: Route,
    settings: ProducerSettings,
    messages: readonly FleetMessage[],
    deadline: number,
  ): Promise<RecordMetadata[]> {
    const labels = { topic: route.topic, cluster: route.clusterId, backend: route.backend };
    const written: RecordMetadata[] = [];
    let pending = messages;
    for (let attempt = 0; ; attempt++) {
      const end = this.metrics.produceLatency.startTimer(labels);
      try {
        const producer = await this.pool.get(route, settings);
        const acks = await producer.send(route.physicalTopic, pending, deadline);
        end();
        this.count(route, pending);
        return [...written, ...acks.map((a) => this.metadataOf(route, a))];
      } catch (error) {
        const classified = error instanceof BackendError ? error : undefined;
        this.metrics.errors.inc({ code: classified?.code ?? 'INTERNAL', backend: route.backend });
        if (classified?.remediation === 'reroute') throw new FencedSend(route, classified, written, pending);
        const delay = retryDelayMs(SEND_RETRY_BACKOFF, attempt + 1, SYSTEM_RANDOM);
        if (
          !classified ||
          classified.remediation === 'fail' ||
          attempt >= this.options.maxSendRetries ||
          Date.now() + delay >= deadline
        )
          throw error;
        if (classified.outcome) {
          const { acks, notWritten } = classified.outcome;
          const unwritten = new Set(notWritten);
          written.push(...acks.map((a) => this.metadataOf(route, a)));
          this.count(
            route,
            pending.filter((m) => !unwritten.has(m)),
          );
          pending = pending.filter((m) => unwritten.has(m));
          if (pending.length === 0) return written;
        }
        this.metrics.remediations.inc({ action: classified.remediation, backend: route.backend });
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private count(route: Route, sent: readonly FleetMessage[]): void {
    const labels = { topic: route.topic, cluster: route.clusterId, backend: route.backend };
    this.metrics.produced.inc(labels, sent.length);
    this.metrics.traffic.produced(
      route.topic,
      sent.reduce((n, m) => n + recordBytes(m), 0),
    );
  }
}
