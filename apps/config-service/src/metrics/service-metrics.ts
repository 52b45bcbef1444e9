import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RedisTimer } from '../storage/redis-timer';

/**
 * Every metric the service exports, on its own registry (never prom-client's global one).
 * Labels are bounded: routes are patterns, not URLs; clusters are registered ids.
 */
@Injectable()
export class ServiceMetrics implements RedisTimer {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'kafka_fleet_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly redisDuration = new Histogram({
    name: 'kafka_fleet_redis_command_duration_seconds',
    help: 'Latency of Redis calls made by the config service, by command',
    labelNames: ['command', 'outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });

  readonly watchers = new Gauge({
    name: 'kafka_fleet_watchers_connected',
    help: 'Watch (SSE) streams currently open on this replica',
    registers: [this.registry],
  });

  readonly configVersion = new Gauge({
    name: 'kafka_fleet_config_version',
    help: 'Newest global config version this replica has seen on the change feed',
    registers: [this.registry],
  });

  readonly syncResults = new Counter({
    name: 'kafka_fleet_partition_sync_total',
    help: 'Partition metadata syncs by cluster and outcome',
    labelNames: ['cluster', 'outcome'],
    registers: [this.registry],
  });

  readonly migrationsActive = new Gauge({
    name: 'kafka_fleet_migrations_active',
    help: 'Topic shuffles not yet in a terminal phase, by phase',
    labelNames: ['phase'],
    registers: [this.registry],
  });

  readonly migrationPhaseAge = new Gauge({
    name: 'kafka_fleet_migration_phase_age_seconds',
    help: 'Seconds the shuffle of a topic has spent in its current phase (a stuck shuffle keeps growing)',
    labelNames: ['topic', 'phase'],
    registers: [this.registry],
  });

  readonly migrationPhaseDuration = new Histogram({
    name: 'kafka_fleet_migration_phase_duration_seconds',
    help: 'Time a shuffle spent in each phase, observed when the phase ends',
    labelNames: ['phase'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly migrationOutcomes = new Counter({
    name: 'kafka_fleet_migrations_total',
    help: 'Finished shuffles by outcome (done, aborted, failed)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  readonly sweptRecords = new Counter({
    name: 'kafka_fleet_migration_swept_records_total',
    help: 'Records found on a source topic after its fence and copied to the target by the straggler sweep',
    registers: [this.registry],
  });

  readonly fenceApplySeconds = new Histogram({
    name: 'kafka_fleet_migration_fence_apply_seconds',
    help: 'Time from asking the source brokers to refuse writes until its end offsets held still (the fence)',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly heartbeatClaimsIgnored = new Counter({
    name: 'kafka_fleet_heartbeat_claims_ignored_total',
    help: 'Heartbeat claims (epochs, groups, rates) about topics outside the app profile, ignored',
    registers: [this.registry],
  });

  readonly heartbeatsRejected = new Counter({
    name: 'kafka_fleet_heartbeats_rejected_total',
    help: 'Heartbeats refused as invalid (the instance is then not waited for by shuffles)',
    registers: [this.registry],
  });

  /** Counts consumer groups with live members on more than one backend; set by the groups service. */
  countMixedBackendGroups: () => Promise<number> = async () => 0;

  readonly mixedBackendGroups = new Gauge({
    name: 'kafka_fleet_consumer_groups_mixed_backends',
    help: 'Consumer groups whose live members run different backends (a swap under way, or a shared group)',
    registers: [this.registry],
    collect: async () => {
      this.mixedBackendGroups.set(await this.countMixedBackendGroups());
    },
  });

  readonly instancesLagging = new Gauge({
    name: 'kafka_fleet_instances_lagging',
    help: 'Live client instances whose applied config version is behind the current one',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'kafka_fleet_config_service_' });
  }

  async time<T>(command: string, run: () => Promise<T>): Promise<T> {
    const end = this.redisDuration.startTimer({ command });
    try {
      const result = await run();
      end({ outcome: 'ok' });
      return result;
    } catch (error) {
      end({ outcome: 'error' });
      throw error;
    }
  }
}
