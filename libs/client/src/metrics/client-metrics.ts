import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TrafficMeter } from './traffic-meter';

/**
 * The library's metrics, on the registry the application passes in (or a private one). Labels are
 * bounded: logical topic, cluster, backend, error code, outcome — never instance ids or keys.
 */
export class ClientMetrics {
  /** Bytes per logical topic, for the rates the heartbeat reports to the rebalance planner. */
  readonly traffic = new TrafficMeter();
  readonly produced: Counter<'topic' | 'cluster' | 'backend'>;
  readonly produceLatency: Histogram<'topic' | 'cluster' | 'backend'>;
  readonly consumed: Counter<'topic' | 'cluster' | 'backend'>;
  readonly consumeLatency: Histogram<'topic' | 'cluster' | 'backend'>;
  readonly errors: Counter<'code' | 'backend'>;
  readonly remediations: Counter<'action' | 'backend'>;
  readonly configVersion: Gauge;
  readonly configStaleness: Gauge;
  readonly routeSwitches: Counter<'topic'>;
  readonly outOfBounds: Counter<'topic'>;
  readonly rebalances: Counter<'group' | 'backend'>;
  readonly rebalanceDuration: Histogram<'group' | 'backend'>;
  readonly unassignedTime: Counter<'group' | 'backend'>;
  readonly rebalanceStorm: Gauge<'group' | 'backend'>;
  readonly handlerFailures: Counter<'group' | 'topic'>;
  readonly deadLettered: Counter<'group' | 'topic'>;
  readonly heldPartitions: Gauge<'group'>;

  constructor(
    readonly registry: Registry = new Registry(),
    staleness: () => number = () => 0,
  ) {
    const registers = [registry];
    const labels = ['topic', 'cluster', 'backend'] as const;
    this.produced = new Counter({
      name: 'kafka_fleet_client_produced_records_total',
      help: 'Records acknowledged by the cluster',
      labelNames: labels,
      registers,
    });
    this.produceLatency = new Histogram({
      name: 'kafka_fleet_client_produce_duration_seconds',
      help: 'Time from send() to acknowledgement of the batch',
      labelNames: labels,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    this.consumed = new Counter({
      name: 'kafka_fleet_client_consumed_records_total',
      help: 'Records handed to the application and handled',
      labelNames: labels,
      registers,
    });
    this.consumeLatency = new Histogram({
      name: 'kafka_fleet_client_handler_duration_seconds',
      help: 'Time the application handler took per record',
      labelNames: labels,
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    });
    this.errors = new Counter({
      name: 'kafka_fleet_client_errors_total',
      help: 'Errors by code',
      labelNames: ['code', 'backend'],
      registers,
    });
    this.remediations = new Counter({
      name: 'kafka_fleet_client_remediations_total',
      help: 'Automatic remediations: retries (by error class) and reroutes',
      labelNames: ['action', 'backend'],
      registers,
    });
    this.configVersion = new Gauge({
      name: 'kafka_fleet_client_config_version',
      help: 'Config version of the snapshot in use',
      registers,
    });
    this.configStaleness = new Gauge({
      name: 'kafka_fleet_client_config_staleness_seconds',
      help: 'Seconds since the config service last answered',
      registers,
      collect() {
        const ms = staleness();
        this.set(Number.isFinite(ms) ? ms / 1000 : -1);
      },
    });
    this.routeSwitches = new Counter({
      name: 'kafka_fleet_client_route_switches_total',
      help: 'Route changes applied (placement, epoch or backend)',
      labelNames: ['topic'],
      registers,
    });
    this.outOfBounds = new Counter({
      name: 'kafka_fleet_client_out_of_era_records_total',
      help: 'Records skipped because they lie outside the route era (below a floor or past a shuffle fence)',
      labelNames: ['topic'],
      registers,
    });
    this.rebalanceDuration = new Histogram({
      name: 'kafka_fleet_client_rebalance_duration_seconds',
      help: 'How long a group member waited for its assignment in a rebalance',
      labelNames: ['group', 'backend'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.unassignedTime = new Counter({
      name: 'kafka_fleet_client_time_without_assignment_seconds_total',
      help: 'Time group members spent waiting for partitions (joining or rebalancing)',
      labelNames: ['group', 'backend'],
      registers,
    });
    this.rebalanceStorm = new Gauge({
      name: 'kafka_fleet_client_rebalance_storm',
      help: 'Whether a group member is in a rebalance storm (1) and backing off its joins',
      labelNames: ['group', 'backend'],
      registers,
    });
    this.rebalances = new Counter({
      name: 'kafka_fleet_client_rebalances_total',
      help: 'Consumer group assignments received',
      labelNames: ['group', 'backend'],
      registers,
    });
    this.handlerFailures = new Counter({
      name: 'kafka_fleet_client_handler_failures_total',
      help: 'Handler attempts that failed (each retry counts)',
      labelNames: ['group', 'topic'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'kafka_fleet_client_dead_lettered_total',
      help: "Records written to the app's dead-letter topic after their handler failed for good",
      labelNames: ['group', 'topic'],
      registers,
    });
    this.heldPartitions = new Gauge({
      name: 'kafka_fleet_client_held_partitions',
      help: 'Partitions paused at a record that could be neither handled nor dead-lettered',
      labelNames: ['group'],
      registers,
    });
  }
}
