import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Registry } from 'prom-client';

/** Structured logger; the library never logs payloads or tokens. @default a no-op logger */
export interface FleetLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface FleetClientOptions {
  /** Base URL of the config service, e.g. `https://kafka-fleet.internal`. */
  readonly serviceUrl: string;
  /** The application id its token is scoped to. */
  readonly appId: string;
  /** Bearer token of the application. Never logged. */
  readonly token: string;
  /**
   * This instance's identity in heartbeats and, when given, on backends with static membership
   * (rdkafka), the base of each consumer's `group.instance.id`. Pass something stable across
   * restarts of the same pod — e.g. its StatefulSet pod name (`HOSTNAME`) — so a rolling restart
   * gets its partitions back without a group rebalance. Without one, a random id is used and
   * consumers are dynamic members: a static member with a random id would leave its partitions
   * idle for the whole session timeout after every restart.
   * @default `${hostname}-${pid}-${random}`
   */
  readonly instanceId?: string;
  readonly logger?: FleetLogger;
  /** Metrics go here; without one, a private registry is used (never the global default). */
  readonly registry?: Registry;
  /** Where to keep the last-known-good snapshot on disk, so a restart works while the service is down. */
  readonly lastKnownGoodFile?: string;
  /**
   * A last-known-good file older than this is not started from: past Kafka's default retention,
   * the placements and eras it names may hold nothing any more. @default 604800000 (7 days)
   */
  readonly lastKnownGoodMaxAgeMs?: number;
  /** Poll for a new snapshot this often when the watch stream is down. @default 30000 */
  readonly pollIntervalMs?: number;
  /** @default 10000 */
  readonly heartbeatIntervalMs?: number;
  /** Lease asked for each heartbeat; the service forgets the instance when it expires. @default 30000 */
  readonly leaseMs?: number;
  /** Timeout of each call to the config service. @default 5000 */
  readonly serviceTimeoutMs?: number;
  /** Records a producer may hold while a topic's route switches, before sends are refused. @default 10000 */
  readonly maxBufferedRecords?: number;
  /** Retries of a retriable send failure (with exponential back-off from 100 ms). @default 5 */
  readonly maxSendRetries?: number;
  /**
   * The one budget of a `send()`: the longest it takes from the call to its answer, through every
   * retry and reroute (Kafka's `delivery.timeout.ms`, whose default it takes). @default 120000
   */
  readonly deliveryTimeoutMs?: number;
  /** @default 5 */
  readonly lingerMs?: number;
  /** @default 30000 */
  readonly requestTimeoutMs?: number;
  /** @default 'none' */
  readonly compression?: 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
  /** @default 30000 */
  readonly sessionTimeoutMs?: number;
}

export type ResolvedOptions = Required<Omit<FleetClientOptions, 'registry' | 'lastKnownGoodFile'>> &
  Pick<FleetClientOptions, 'registry' | 'lastKnownGoodFile'> & {
    /** Whether `instanceId` was given (stable across restarts): only then are consumers static members. */
    readonly stableInstanceId: boolean;
  };

const NOOP_LOGGER: FleetLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export const CLIENT_DEFAULTS = Object.freeze({
  pollIntervalMs: 30_000,
  heartbeatIntervalMs: 10_000,
  leaseMs: 30_000,
  serviceTimeoutMs: 5_000,
  maxBufferedRecords: 10_000,
  maxSendRetries: 5,
  deliveryTimeoutMs: 120_000,
  lingerMs: 5,
  requestTimeoutMs: 30_000,
  compression: 'none' as const,
  sessionTimeoutMs: 30_000,
  lastKnownGoodMaxAgeMs: 7 * 24 * 3600 * 1000,
});

export function resolveOptions(options: FleetClientOptions): Readonly<ResolvedOptions> {
  for (const key of ['serviceUrl', 'appId', 'token'] as const) {
    if (!options[key]) throw new TypeError(`FleetClientOptions.${key} is required`);
  }
  return Object.freeze({
    ...CLIENT_DEFAULTS,
    instanceId: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    logger: NOOP_LOGGER,
    ...options,
    stableInstanceId: options.instanceId !== undefined,
    serviceUrl: options.serviceUrl.replace(/\/+$/, ''),
  });
}
