import { findRoute, type Route } from '@kafka-fleet/core';
import type { ProducerPool } from '../backends/backend-pool';
import type { OutgoingRecord } from '../backends/backend-port';
import type { ResolvedOptions } from '../config/client-options';
import { BackendError, TopicAccessError } from '../errors/client-errors';
import type { ClientMetrics } from '../metrics/client-metrics';
import { recordBytes } from '../metrics/traffic-meter';
import type { ConfigSource } from '../resolution/config-source';
import { TopicLane } from './topic-lane';

/** A record as application code writes it (the kafkajs shape): exactly what the backend port sends. */
export type FleetMessage = OutgoingRecord;

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
 * by error class (retry, rebuild the client, or surface), bounded by `maxSendRetries`.
 *
 * @example
 * const producer = fleet.producer();
 * await producer.send({ topic: 'payments.receipts', messages: [{ key: 'customer-42', value: JSON.stringify(receipt) }] });
 */
export class FleetProducer {
  private readonly lanes = new Map<string, TopicLane>();

  constructor(
    private readonly config: ConfigSource,
    private readonly pool: ProducerPool,
    private readonly options: ResolvedOptions,
    private readonly metrics: ClientMetrics,
    private readonly onEpochApplied: () => void = () => undefined,
  ) {
    config.onChange((next) => {
      for (const [topic, lane] of this.lanes) {
        const found = findRoute(next, topic, 'produce');
        if (found.kind === 'ok') lane.follow(found.route);
      }
    });
  }

  /** Sends to one logical topic; resolves when every record is acknowledged (acks=all). */
  async send(record: { topic: string; messages: readonly FleetMessage[] }): Promise<RecordMetadata[]> {
    const lane = this.lane(record.topic);
    return lane.run(record.messages.length, (route) => this.sendWithRetries(route, record.messages));
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
      lane = new TopicLane(found.route, this.options.maxBufferedRecords, (from, to) => {
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

  private async sendWithRetries(route: Route, messages: readonly FleetMessage[]): Promise<RecordMetadata[]> {
    const labels = { topic: route.topic, cluster: route.clusterId, backend: route.backend };
    for (let attempt = 0; ; attempt++) {
      const end = this.metrics.produceLatency.startTimer(labels);
      try {
        const producer = await this.pool.get(route);
        const acks = await producer.send(route.physicalTopic, messages);
        end();
        this.metrics.produced.inc(labels, messages.length);
        this.metrics.traffic.produced(
          route.topic,
          messages.reduce((n, m) => n + recordBytes(m), 0),
        );
        return acks.map((a) => ({
          topic: route.topic,
          partition: a.partition,
          baseOffset: a.baseOffset,
          clusterId: route.clusterId,
          epoch: route.epoch,
        }));
      } catch (error) {
        const classified = error instanceof BackendError ? error : undefined;
        this.metrics.errors.inc({ code: classified?.code ?? 'INTERNAL', backend: route.backend });
        if (!classified || classified.remediation === 'fail' || attempt >= this.options.maxSendRetries)
          throw error;
        this.metrics.remediations.inc({ action: classified.remediation, backend: route.backend });
        if (classified.remediation === 'reconnect') await this.pool.rebuild(route);
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** attempt, 5000)));
      }
    }
  }
}
