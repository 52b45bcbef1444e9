import { hostname } from 'node:os';
import type { ResolvedOptions } from '../config/client-options';
import type { ConfigSource } from './config-source';
import type { ServiceApi } from './service-api';

/**
 * Keeps this instance registered: every `heartbeatIntervalMs` it reports the config version and
 * the epoch it has *applied* per topic (after a producer drained, not when the change arrived), so
 * SREs and the shuffle orchestrator see who is lagging. A failed heartbeat is only logged.
 */
export class InstanceHeartbeat {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly api: ServiceApi,
    private readonly config: ConfigSource,
    private readonly options: ResolvedOptions,
    private readonly appliedEpochs: () => Record<string, number>,
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
      await this.api.heartbeat({
        instanceId: this.options.instanceId,
        app: this.options.appId,
        host: hostname(),
        backend: snapshot.backend,
        configVersion: snapshot.version,
        appliedEpochs: this.appliedEpochs(),
        effectiveConfig: {
          lingerMs: this.options.lingerMs,
          requestTimeoutMs: this.options.requestTimeoutMs,
          compression: this.options.compression,
          sessionTimeoutMs: this.options.sessionTimeoutMs,
          maxInFlightBuffer: this.options.maxBufferedRecords,
        },
        leaseMs: this.options.leaseMs,
      });
      return true;
    } catch (error) {
      this.options.logger.debug('heartbeat failed', { error: (error as Error).message });
      return false;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
