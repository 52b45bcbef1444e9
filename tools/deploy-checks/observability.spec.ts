import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { declaredMetrics, type MetricFamily } from './declared-metrics';
import { formatFindings } from './manifest-render';
import { checkDashboard, checkRules, familiesMissingFrom } from './observability-checks';
import { metricNamesIn } from './promql-names';

const root = join(__dirname, '../..');
const rules = readFileSync(join(root, 'ops/prometheus/kafka-fleet.rules.yaml'), 'utf8');
const dashboard = readFileSync(join(root, 'ops/grafana/kafka-fleet.dashboard.json'), 'utf8');
let families: MetricFamily[];
beforeAll(async () => {
  families = await declaredMetrics();
});

/** Applies one textual break and fails loudly if the text did not change. */
function broken(text: string, from: string | RegExp, to: string): string {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`nothing matched ${String(from)}: the copy is not broken`);
  return next;
}

describe('metrics declared in code', () => {
  it('come from the service, the client library and the service default metrics', () => {
    const byName = new Map(families.map((f) => [f.name, f]));
    expect(byName.get('kafka_fleet_http_request_duration_seconds')?.series).toContain(
      'kafka_fleet_http_request_duration_seconds_bucket',
    );
    expect(byName.get('kafka_fleet_client_rebalances_total')?.type).toBe('counter');
    expect(byName.get('kafka_fleet_config_service_process_resident_memory_bytes')?.builtin).toBe(true);
    expect(byName.has('process_resident_memory_bytes')).toBe(false);
  });
});

describe('Prometheus alerting rules', () => {
  it('only read exported metrics and are actionable', () => {
    expect(formatFindings(checkRules(rules, families))).toBe('');
  });

  it('cover service errors and latency, stale clients, stuck shuffles, rebalance storms and outages', () => {
    const doc = parse(rules) as {
      spec: { groups: Array<{ rules: Array<{ alert?: string; expr: string }> }> };
    };
    const read = doc.spec.groups.flatMap((g) =>
      g.rules.filter((r) => r.alert).flatMap((r) => metricNamesIn(r.expr)),
    );
    for (const metric of [
      'up',
      'kafka_fleet_http_request_duration_seconds_count',
      'kafka_fleet_http_request_duration_seconds_bucket',
      'kafka_fleet_client_config_staleness_seconds',
      'kafka_fleet_instances_lagging',
      'kafka_fleet_migration_phase_age_seconds',
      'kafka_fleet_client_rebalances_total',
    ]) {
      expect(read).toContain(metric);
    }
  });

  it.each<[string, string | RegExp, string, RegExp]>([
    [
      'a misspelt metric',
      'rate(kafka_fleet_client_rebalances_total[5m])',
      'rate(kafka_fleet_client_rebalance_total[5m])',
      /rule KafkaFleetRebalanceStorm: unknown metric kafka_fleet_client_rebalance_total/,
    ],
    [
      'a histogram series that does not exist',
      'kafka_fleet_redis_command_duration_seconds_bucket',
      'kafka_fleet_redis_command_duration_seconds_buckets',
      /unknown metric kafka_fleet_redis_command_duration_seconds_buckets/,
    ],
    [
      'an alert without "for"',
      /(alert: KafkaFleetShuffleStuck\n.*\n) {10}for: 5m\n/,
      '$1',
      /rule KafkaFleetShuffleStuck: no "for"/,
    ],
    [
      'an unknown severity',
      'severity: critical',
      'severity: page',
      /severity label is not critical, warning or info/,
    ],
    [
      'a duplicated alert name',
      'alert: KafkaFleetRedisSlow',
      'alert: KafkaFleetConfigServiceSlow',
      /rule KafkaFleetConfigServiceSlow: name used twice/,
    ],
    [
      'unbalanced brackets',
      '(kafka_fleet_client_errors_total[5m])',
      '(kafka_fleet_client_errors_total[5m]',
      /rule KafkaFleetClientErrors: unbalanced brackets/,
    ],
    [
      'a misspelt PrometheusRule field',
      '  groups:',
      '  group:',
      /PrometheusRule\/kafka-fleet: unknown field \/spec\/group \(not in the PrometheusRule schema\)/,
    ],
  ])('fail on %s', (_name, from, to, expected) => {
    expect(formatFindings(checkRules(broken(rules, from, to), families))).toMatch(expected);
  });
});

describe('Grafana dashboard', () => {
  it('only queries exported metrics through defined variables', () => {
    expect(formatFindings(checkDashboard(dashboard, families))).toBe('');
  });

  it('shows every metric the service and the client library declare', () => {
    expect(familiesMissingFrom(dashboard, families)).toEqual([]);
  });

  it.each<[string, string | RegExp, string, RegExp]>([
    [
      'a misspelt metric',
      'kafka_fleet_watchers_connected',
      'kafka_fleet_watcher_connected',
      /unknown metric kafka_fleet_watcher_connected/,
    ],
    [
      'an undefined variable',
      'job=~\\"$client_job\\"',
      'job=~\\"$client\\"',
      /uses undefined variable \$client/,
    ],
    [
      'a variable over a missing metric',
      'label_values(kafka_fleet_client_config_version, job)',
      'label_values(kafka_fleet_client_cfg_version, job)',
      /variable client_job: unknown metric kafka_fleet_client_cfg_version/,
    ],
    ['invalid JSON', /\}\s*$/, '', /invalid JSON/],
  ])('fails on %s', (_name, from, to, expected) => {
    expect(formatFindings(checkDashboard(broken(dashboard, from, to), families))).toMatch(expected);
  });

  it('notices a declared metric left off the dashboard', () => {
    const without = broken(
      dashboard,
      /kafka_fleet_migration_swept_records_total/g,
      'kafka_fleet_migrations_total',
    );
    expect(familiesMissingFrom(without, families)).toEqual(['kafka_fleet_migration_swept_records_total']);
  });
});
