import { hostname } from 'node:os';
import type { GroupReportInput } from '@kafka-fleet/contracts';
import type { ResolvedOptions } from '../config/client-options';
import type { ConfigSource } from './config-source';
import type { ServiceApi } from './service-api';

/** What this instance routes by, as the heartbeat reports it. */
export interface RoutingReport {
  readonly producerEpochs: Record<string, number>;
  readonly consumerEpochs: Record<string, number>;
  readonly consumerGroups: Record<string, string[]>;
  readonly groupStates: Record<string, GroupReportInput>;
  /** Bytes per second produced and consumed per logical topic: the rebalance planner's load input. */
  readonly rates: Record<string, { produceBytesPerSec: number; consumeBytesPerSec: number }>;
  /** The client settings in force: its options as the app's config overrides changed them. */
  readonly effectiveConfig: Record<string, string | number | boolean>;
}

/**
 * Keeps this instance registered: every `heartbeatIntervalMs` it reports the config version and
 * the epoch it has *applied* per topic (after a producer drained, not when the change arrived), so
 * SREs and the shuffle orchestrator see who is lagging. A failed heartbeat is only logged.
 */
export class InstanceHeartbeat {
  private timer?: NodeJS.Timeout;
  private inflight?: Promise<boolean>;
  private again?: Promise<boolean>;

  constructor(
    private readonly api: ServiceApi,
    private readonly config: ConfigSource,
    private readonly options: ResolvedOptions,
    private readonly routing: () => RoutingReport,
  ) {}

  start(): void {
    const beat = () => void this.beatOnce();
    beat();
    this.timer = setInterval(beat, this.options.heartbeatIntervalMs);
    this.timer.unref();
  }

  async beatOnce(): Promise<boolean> {
    try {
      const snapshot = this.config.snapshot();
      const routing = this.routing();
      await this.api.heartbeat({
        instanceId: this.options.instanceId,
        app: this.options.appId,
        // The service keeps 255 characters; a longer hostname must not cost the instance its lease.
        host: hostname().slice(0, 255),
        backend: snapshot.backend,
        configVersion: snapshot.version,
        // The older, merged view (for `lagging`), then what the shuffle waits for and drains.
        appliedEpochs: { ...routing.consumerEpochs, ...routing.producerEpochs },
        producerEpochs: routing.producerEpochs,
        consumerGroups: routing.consumerGroups,
        groupStates: routing.groupStates,
        rates: routing.rates,
        effectiveConfig: routing.effectiveConfig,
        leaseMs: this.options.leaseMs,
      });
      return true;
    } catch (error) {
      // Warn, not debug: an instance whose beats fail is invisible to the shuffles it takes part in.
      this.options.logger.warn('heartbeat failed', { error: (error as Error).message });
      return false;
    }
  }

  /**
   * Beats now, coalescing calls that arrive while a beat is in flight into one more beat after it,
   * so a shuffle learns within one round trip that this instance switched.
   */
  soon(): void {
    if (this.again) return;
    const previous = this.inflight ?? Promise.resolve(true);
    this.again = previous.then(() => {
      this.again = undefined;
      this.inflight = this.beatOnce();
      return this.inflight;
    });
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
