import type { FieldIssue } from '@kafka-fleet/contracts';
import { refusedOverrides } from './config-guardrails';

export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/**
 * The client settings an app's `configOverrides` may change (the guardrails' keys). The first five
 * always have a value (the client's options); the others are left to the backend's own default
 * unless overridden, so an app that overrides nothing runs exactly as before.
 */
export interface ClientTuning {
  readonly lingerMs: number;
  readonly requestTimeoutMs: number;
  readonly compression: Compression;
  readonly sessionTimeoutMs: number;
  /** Records a producer lane may hold while its route switches (the client's `maxBufferedRecords`). */
  readonly maxInFlightBuffer: number;
  readonly batchSizeBytes?: number;
  /** The consumer group heartbeat (to Kafka's coordinator, not the config service). */
  readonly heartbeatIntervalMs?: number;
  readonly maxPollIntervalMs?: number;
  readonly fetchMaxBytes?: number;
}

/** What no override changes: the shuffle's no-loss and per-key-order guarantees rest on them. */
export const PINNED_CLIENT_CONFIG = Object.freeze({
  acks: 'all',
  idempotence: true,
  partitioner: 'murmur2',
});

export interface EffectiveTuning {
  readonly tuning: ClientTuning;
  /** Overrides not applied, each with its reason (an older or a newer service, a bad pairing). */
  readonly refused: FieldIssue[];
}

/**
 * The settings in force: the client's own options, overridden by the app's `configOverrides` from
 * the service (an SRE tunes a running app without a deploy). The service checked each override
 * already; the client checks again against the values actually in force, because a pairing rule
 * (heartbeat against session timeout) can involve one of its own options, and an override that
 * fails is skipped, never half-applied.
 */
export function effectiveTuning(
  local: ClientTuning,
  overrides: Readonly<Record<string, string | number | boolean>>,
): EffectiveTuning {
  const refused = refusedOverrides(overrides, { ...local });
  const skip = new Set(refused.map((f) => f.path.slice('configOverrides.'.length)));
  const applied = Object.fromEntries(Object.entries(overrides).filter(([k]) => !skip.has(k)));
  return { tuning: { ...local, ...applied } as ClientTuning, refused };
}
