import { metricNamesIn } from './promql-names';

describe('metric names in a PromQL expression', () => {
  it.each<[string, string[]]>([
    [
      'sum by (route) (rate(kafka_fleet_http_request_duration_seconds_count{status=~"5..",route!="/v1/watch"}[5m]))',
      ['kafka_fleet_http_request_duration_seconds_count'],
    ],
    [
      'histogram_quantile(0.99, sum by (le, command) (rate(kafka_fleet_redis_command_duration_seconds_bucket[$__rate_interval])))',
      ['kafka_fleet_redis_command_duration_seconds_bucket'],
    ],
    ['a / on (job) group_left (pod) b > 1e3', ['a', 'b']],
    ['sum by (namespace) (up{job="config-service"}) == 0 or absent(up{job="config-service"})', ['up']],
    ['max(x offset 5m) > bool 2 unless y', ['x', 'y']],
    ['rate(x[5m:1m]) * 60', ['x']],
    [
      'label_values(kafka_fleet_config_version{job="config-service"}, namespace)',
      ['kafka_fleet_config_version'],
    ],
    ['sum(rate(x{namespace=~"$namespace"}[$__rate_interval])) by (cluster)', ['x']],
  ])('%s', (expression, names) => {
    expect(metricNamesIn(expression).sort()).toEqual(names.sort());
  });
});
