import type { AppSnapshot } from '@kafka-fleet/contracts';
import { ProducerPool } from './backends/backend-pool';
import { resolveOptions, type FleetClientOptions, type ResolvedOptions } from './config/client-options';
import { TuningSource } from './config/tuning-source';
import { FleetConsumer, type ConsumerConfig } from './consumer/fleet-consumer';
import { ClientMetrics } from './metrics/client-metrics';
import { FleetProducer } from './producer/fleet-producer';
import { ConfigSource } from './resolution/config-source';
import { InstanceHeartbeat } from './resolution/instance-heartbeat';
import { ServiceApi } from './resolution/service-api';

/**
 * The entry point for application teams: logical topics in, physical clusters handled.
 *
 * @example
 * const fleet = createFleetClient({ serviceUrl: 'https://kafka-fleet.internal', appId: 'payments-api', token: process.env.FLEET_TOKEN! });
 * await fleet.connect();
 * await fleet.producer().send({ topic: 'payments.receipts', messages: [{ key: 'customer-42', value: 'paid' }] });
 * await fleet.disconnect();
 */
export class FleetClient {
  readonly options: Readonly<ResolvedOptions>;
  readonly metrics: ClientMetrics;
  private readonly config: ConfigSource;
  private readonly api: ServiceApi;
  private readonly pool: ProducerPool;
  private readonly heartbeat: InstanceHeartbeat;
  private readonly tuning: TuningSource;
  private sharedProducer?: FleetProducer;
  private readonly consumers = new Set<FleetConsumer>();
  /** How many consumers of each group this client made (each one's ordinal). */
  private readonly membersPerGroup = new Map<string, number>();

  constructor(options: FleetClientOptions) {
    this.options = resolveOptions(options);
    this.api = new ServiceApi(this.options);
    this.config = new ConfigSource(this.api, this.options);
    this.metrics = new ClientMetrics(this.options.registry, () => this.config.stalenessMs());
    this.pool = new ProducerPool(this.options);
    this.tuning = new TuningSource(this.options);
    this.config.onChange((next) => this.metrics.configVersion.set(next.version));
    this.heartbeat = new InstanceHeartbeat(this.api, this.config, this.options, () => ({
      producerEpochs: this.sharedProducer?.appliedEpochs() ?? {},
      consumerEpochs: Object.assign({}, ...[...this.consumers].map((c) => c.appliedEpochs())),
      consumerGroups: mergeGroups([...this.consumers].map((c) => c.groupsByTopic())),
      groupStates: Object.assign({}, ...[...this.consumers].map((c) => c.groupReports())),
      rates: this.metrics.traffic.rates(),
      effectiveConfig: TuningSource.report(this.tuning.of(this.config.snapshot())),
    }));
  }

  /** Fetches the snapshot (or loads the last-known-good copy), starts watching and heartbeating. */
  async connect(): Promise<AppSnapshot> {
    const snapshot = await this.config.start();
    this.metrics.configVersion.set(snapshot.version);
    this.heartbeat.start();
    return snapshot;
  }

  /** The producer (one per client: lanes and backend clients are shared by every caller). */
  producer(): FleetProducer {
    // A producer lane that switched epochs reports it at once: the shuffle is waiting for that.
    this.sharedProducer ??= new FleetProducer(
      this.config,
      this.pool,
      this.options,
      this.metrics,
      this.tuning,
      () => this.heartbeat.soon(),
    );
    return this.sharedProducer;
  }

  consumer(config: ConsumerConfig): FleetConsumer {
    // A consumer that was disconnected stops being reported: its group would otherwise look live
    // to a shuffle, which then waits for it to drain for ever.
    // Consumers of one group in one client are distinct members: each gets its own ordinal (in
    // creation order, so a restarted pod's consumers get the same static ids back).
    const ordinal = this.membersPerGroup.get(config.groupId) ?? 0;
    this.membersPerGroup.set(config.groupId, ordinal + 1);
    const consumer = new FleetConsumer(
      this.config,
      this.options,
      this.metrics,
      this.tuning,
      config,
      () => this.consumers.delete(consumer),
      ordinal,
      // Dead letters go through the client's own producer: routed, fenced and retried like any send.
      {
        send: (topic, record) =>
          this.producer()
            .send({ topic, messages: [record] })
            .then(() => undefined),
      },
    );
    this.consumers.add(consumer);
    return consumer;
  }

  /** The snapshot in use and how stale it is (ms since the service last answered). */
  configState(): { version: number; stalenessMs: number } {
    return { version: this.config.snapshot().version, stalenessMs: this.config.stalenessMs() };
  }

  /** Refetches the snapshot now (normally the watch stream does this). */
  refreshConfig(): Promise<void> {
    return this.config.refresh();
  }

  /** Sends a heartbeat now (normally every `heartbeatIntervalMs`). */
  reportNow(): Promise<boolean> {
    return this.heartbeat.beatOnce();
  }

  /** Stops consumers (committing handled offsets), flushes producers, stops watching. */
  async disconnect(): Promise<void> {
    this.heartbeat.stop();
    await Promise.all([...this.consumers].map((c) => c.disconnect()));
    await this.pool.close();
    await this.config.stop();
  }
}

function mergeGroups(all: ReadonlyArray<Record<string, string[]>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const groups of all)
    for (const [topic, ids] of Object.entries(groups))
      out[topic] = [...new Set([...(out[topic] ?? []), ...ids])];
  return out;
}

export function createFleetClient(options: FleetClientOptions): FleetClient {
  return new FleetClient(options);
}
