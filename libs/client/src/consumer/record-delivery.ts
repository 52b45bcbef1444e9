import { handlerFailures, type HandlerFailures } from '@kafka-fleet/contracts';
import {
  decideAfterFailure,
  isRetriable,
  SYSTEM_RANDOM,
  type RandomSource,
  type Route,
} from '@kafka-fleet/core';
import type {
  ConsumedRecord,
  DeliveryContext,
  HandlerResult,
  Headers,
  TopicPartition,
} from '../backends/backend-port';
import type { FleetLogger } from '../config/client-options';
import type { ClientMetrics } from '../metrics/client-metrics';
import { recordBytes } from '../metrics/traffic-meter';
import { readsThrough, type Lane } from './consumer-lane';

/** Where a record goes once its handler has failed for good (the app's dead-letter topic). */
export interface DeadLetterSink {
  send(
    topic: string,
    record: { readonly key: Buffer | null; readonly value: Buffer | null; readonly headers: Headers },
  ): Promise<void>;
}

/** A partition paused at a record that could be neither handled nor dead-lettered. */
export interface HeldPartition {
  readonly topic: string;
  readonly clusterId: string;
  readonly physicalTopic: string;
  readonly partition: number;
  /** The held record: delivered again when the partition is resumed. */
  readonly offset: string;
  readonly reason: string;
  readonly since: string;
}

export interface DeliveryDeps {
  readonly policy: () => HandlerFailures;
  readonly deadLetters: DeadLetterSink;
  readonly logger: FleetLogger;
  readonly metrics: ClientMetrics;
  readonly rng: RandomSource;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
}

/** The policy of a snapshot that carries none (saved before the policy existed). */
export const DEFAULT_HANDLER_FAILURES = handlerFailures.parse({});

/** Real time, real randomness; without a sink (a consumer made outside a client), holds instead. */
export function systemDeliveryDeps(
  logger: FleetLogger,
  metrics: ClientMetrics,
  deadLetters: DeadLetterSink = {
    send: () =>
      Promise.reject(Object.assign(new Error('no producer for dead letters'), { retriable: false })),
  },
): Omit<DeliveryDeps, 'policy'> {
  return {
    deadLetters,
    logger,
    metrics,
    rng: SYSTEM_RANDOM,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => new Date(),
  };
}

/** Header names a dead-lettered record carries: where it came from and why it is here. */
export const DEAD_LETTER_HEADERS = Object.freeze({
  topic: 'kf-origin-topic',
  clusterId: 'kf-origin-cluster',
  physicalTopic: 'kf-origin-physical-topic',
  partition: 'kf-origin-partition',
  offset: 'kf-origin-offset',
  group: 'kf-origin-group',
  attempts: 'kf-failure-attempts',
  error: 'kf-failure-error',
  at: 'kf-dead-lettered-at',
});

/** Heartbeats go out at least this often while a record waits between attempts. */
const HEARTBEAT_SLICE_MS = 1_000;
const MAX_ERROR_HEADER_CHARS = 512;
const MAX_REASON_CHARS = 1024;

/**
 * Hands one record to the application's handler and decides what a failure means: retried in place
 * with back-off (per the app's policy from the service), then written to the dead-letter topic and
 * passed, or, without one, the partition held at the record. Either way the member stays in its
 * group: a poison record never becomes a crash loop or a rebalance.
 */
export class RecordDelivery {
  private readonly held = new Map<string, HeldPartition>();
  private policyInUse = '';

  constructor(
    private readonly group: string,
    private readonly deps: DeliveryDeps,
  ) {}

  async deliver(
    route: Route,
    record: ConsumedRecord,
    context: DeliveryContext,
    handle: () => Promise<void>,
  ): Promise<HandlerResult> {
    const labels = { topic: route.topic, cluster: route.clusterId, backend: route.backend };
    for (let failed = 0; ;) {
      const end = this.deps.metrics.consumeLatency.startTimer(labels);
      try {
        await handle();
        end();
        this.deps.metrics.consumed.inc(labels);
        this.deps.metrics.traffic.consumed(route.topic, recordBytes(record));
        return undefined;
      } catch (error) {
        failed++;
        this.deps.metrics.handlerFailures.inc({ group: this.group, topic: route.topic });
        const decision = decideAfterFailure(
          this.deps.policy(),
          failed,
          { topic: route.topic, retriable: isRetriable(error) },
          this.deps.rng,
        );
        const where = {
          group: this.group,
          topic: route.topic,
          partition: record.partition,
          offset: record.offset,
        };
        if (decision.kind === 'retry') {
          this.deps.logger.warn('handler failed; retrying the record', {
            ...where,
            attempt: failed,
            retryInMs: decision.delayMs,
            error: messageOf(error),
          });
          await this.wait(decision.delayMs, context);
          continue;
        }
        if (decision.kind === 'dead-letter') {
          const sent = await this.deadLetter(decision.topic, route, record, failed, error);
          if (sent === true) return undefined;
          return this.hold(
            route,
            record,
            `${messageOf(error)}; dead-letter topic ${decision.topic} refused it: ${sent}`,
          );
        }
        return this.hold(route, record, `${decision.reason}: ${messageOf(error)}`);
      }
    }
  }

  /** Held partitions (for reports), among those the member still owns. */
  heldPartitions(
    owns: (clusterId: string, physicalTopic: string, partition: number) => boolean,
  ): HeldPartition[] {
    return [...this.held.values()].filter((h) => owns(h.clusterId, h.physicalTopic, h.partition));
  }

  /** Forgets the holds `which` selects (resumed, reassigned, or their lane closed) and returns them. */
  release(which: (h: HeldPartition) => boolean): HeldPartition[] {
    const released = [...this.held].filter(([, h]) => which(h));
    for (const [key] of released) this.held.delete(key);
    this.deps.metrics.heldPartitions.set({ group: this.group }, this.held.size);
    return released.map(([, h]) => h);
  }

  /**
   * Whether `policy` differs from the one the holds were made under: a partition held under one
   * policy is tried again under another (an SRE gave the app a dead-letter topic): a hold heals so.
   */
  policyChanged(policy: HandlerFailures): boolean {
    const key = JSON.stringify(policy);
    if (key === this.policyInUse) return false;
    this.policyInUse = key;
    return true;
  }

  /** Resumes the held partitions of `lane` that `which` selects (they stay paused while an operator pauses the group). */
  resumeHeld(lane: Lane, which: (p: TopicPartition) => boolean, operatorPaused: boolean): void {
    const released = this.release(
      (h) => readsThrough(lane)(h) && which({ topic: h.physicalTopic, partition: h.partition }),
    );
    if (released.length > 0 && !operatorPaused)
      lane.consumer.resume(released.map((h) => ({ topic: h.physicalTopic, partition: h.partition })));
  }

  /**
   * Writes the record to the dead-letter topic: true once acknowledged, or why it was refused for
   * good. A retriable refusal is thrown: the record stays uncommitted and the backend redelivers it.
   */
  private async deadLetter(
    topic: string,
    route: Route,
    record: ConsumedRecord,
    attempts: number,
    error: unknown,
  ): Promise<true | string> {
    const H = DEAD_LETTER_HEADERS;
    const headers: Headers = {
      ...record.headers,
      [H.topic]: route.topic,
      [H.clusterId]: route.clusterId,
      [H.physicalTopic]: route.physicalTopic,
      [H.partition]: String(record.partition),
      [H.offset]: record.offset,
      [H.group]: this.group,
      [H.attempts]: String(attempts),
      [H.error]: messageOf(error).slice(0, MAX_ERROR_HEADER_CHARS),
      [H.at]: this.deps.now().toISOString(),
    };
    try {
      await this.deps.deadLetters.send(topic, { key: record.key, value: record.value, headers });
    } catch (sendError) {
      if (isRetriable(sendError)) throw sendError;
      return messageOf(sendError);
    }
    this.deps.metrics.deadLettered.inc({ group: this.group, topic: route.topic });
    this.deps.logger.warn('record dead-lettered after its handler failed', {
      group: this.group,
      topic: route.topic,
      partition: record.partition,
      offset: record.offset,
      deadLetterTopic: topic,
      attempts,
    });
    return true;
  }

  private hold(route: Route, record: ConsumedRecord, reason: string): HandlerResult {
    const entry: HeldPartition = {
      topic: route.topic,
      clusterId: route.clusterId,
      physicalTopic: route.physicalTopic,
      partition: record.partition,
      offset: record.offset,
      reason: reason.slice(0, MAX_REASON_CHARS),
      since: this.deps.now().toISOString(),
    };
    this.held.set(`${route.clusterId}/${route.physicalTopic}/${record.partition}`, entry);
    this.deps.metrics.heldPartitions.set({ group: this.group }, this.held.size);
    this.deps.logger.error('partition held at a record its handler cannot handle', {
      group: this.group,
      topic: route.topic,
      partition: record.partition,
      offset: record.offset,
      reason,
    });
    return 'hold';
  }

  /** Waits between attempts, heartbeating; gives up (the record stays uncommitted) if the member lets go. */
  private async wait(ms: number, context: DeliveryContext): Promise<void> {
    for (let left = ms; ; left -= HEARTBEAT_SLICE_MS) {
      if (context.stopping())
        throw new Error('the partition is being let go while its record waits for a retry');
      if (left <= 0) return;
      await this.deps.sleep(Math.min(left, HEARTBEAT_SLICE_MS));
      await context.heartbeat();
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
