import type { AppSnapshot } from '@kafka-fleet/contracts';
import { effectiveTuning, PINNED_CLIENT_CONFIG, type ClientTuning } from '@kafka-fleet/core';
import type { ConsumerSettings, ProducerSettings } from '../backends/backend-port';
import type { ResolvedOptions } from './client-options';

/**
 * The tuning in force for this client: its options, overridden by the app's `configOverrides` from
 * the snapshot. Recomputed only when the overrides change; an override the client cannot apply is
 * logged once per change (its key, never a value that could be a secret) and skipped.
 */
export class TuningSource {
  private seen?: string;
  private tuning: ClientTuning;

  constructor(private readonly options: ResolvedOptions) {
    this.tuning = localTuning(options);
  }

  /** The tuning for `snapshot` (the one the client routes by). */
  of(snapshot: Pick<AppSnapshot, 'configOverrides'>): ClientTuning {
    const overrides = snapshot.configOverrides ?? {};
    const key = JSON.stringify(overrides);
    if (key === this.seen) return this.tuning;
    this.seen = key;
    const { tuning, refused } = effectiveTuning(localTuning(this.options), overrides);
    for (const f of refused)
      this.options.logger.warn('config override not applied', { setting: f.path, reason: f.reason });
    this.tuning = tuning;
    return tuning;
  }

  /** What the heartbeat reports: every setting in force, pinned ones included. */
  static report(t: ClientTuning): Record<string, string | number | boolean> {
    const out: Record<string, string | number | boolean> = { ...PINNED_CLIENT_CONFIG };
    for (const [k, v] of Object.entries(t)) if (v !== undefined) out[k] = v as string | number | boolean;
    return out;
  }
}

export function producerSettings(t: ClientTuning): ProducerSettings {
  return {
    lingerMs: t.lingerMs,
    requestTimeoutMs: t.requestTimeoutMs,
    compression: t.compression,
    ...(t.batchSizeBytes ? { batchSizeBytes: t.batchSizeBytes } : {}),
  };
}

export function consumerTuning(
  t: ClientTuning,
): Omit<ConsumerSettings, 'groupId' | 'groupInstanceId' | 'fromBeginning'> {
  return {
    sessionTimeoutMs: t.sessionTimeoutMs,
    requestTimeoutMs: t.requestTimeoutMs,
    ...(t.heartbeatIntervalMs ? { heartbeatIntervalMs: t.heartbeatIntervalMs } : {}),
    ...(t.maxPollIntervalMs ? { maxPollIntervalMs: t.maxPollIntervalMs } : {}),
    ...(t.fetchMaxBytes ? { fetchMaxBytes: t.fetchMaxBytes } : {}),
  };
}

function localTuning(o: ResolvedOptions): ClientTuning {
  return {
    lingerMs: o.lingerMs,
    requestTimeoutMs: o.requestTimeoutMs,
    compression: o.compression,
    sessionTimeoutMs: o.sessionTimeoutMs,
    maxInFlightBuffer: o.maxBufferedRecords,
  };
}
