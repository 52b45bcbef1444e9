import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry, collectDefaultMetrics } from 'prom-client';

const root = join(__dirname, '../..');
export const METRIC_SOURCES = [
  'apps/config-service/src/metrics/service-metrics.ts',
  'libs/client/src/metrics/client-metrics.ts',
];

/** A metric family declared in code, and the series names Prometheus will store for it. */
export interface MetricFamily {
  readonly name: string;
  readonly type: string;
  readonly series: readonly string[];
  /** From prom-client's default process metrics, not from our own declarations. */
  readonly builtin: boolean;
}

/** Series Prometheus adds to every scrape target itself. */
const SCRAPE_SERIES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'];

/**
 * Every metric the service and the client library export, read from their `new Counter|Gauge|
 * Histogram({ name: '…' })` declarations, plus the default process metrics under the prefix the
 * service passes to `collectDefaultMetrics` (asked of prom-client itself, not listed by hand).
 */
export async function declaredMetrics(): Promise<MetricFamily[]> {
  const families: MetricFamily[] = [];
  let prefix: string | undefined;
  for (const file of METRIC_SOURCES) {
    const source = readFileSync(join(root, file), 'utf8');
    for (const m of source.matchAll(
      /new (Counter|Gauge|Histogram|Summary)\b[^(]*\(\{\s*name: '([a-z_:][a-z0-9_:]*)'/g,
    )) {
      families.push(family(m[2], m[1].toLowerCase(), false));
    }
    prefix ??= /collectDefaultMetrics\(\{[^}]*prefix: '([^']+)'/.exec(source)?.[1];
  }
  if (prefix !== undefined) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix });
    for (const metric of await registry.getMetricsAsJSON())
      families.push(family(metric.name, String(metric.type), true));
  }
  families.push(...SCRAPE_SERIES.map((name) => family(name, 'gauge', true)));
  return families;
}

function family(name: string, type: string, builtin: boolean): MetricFamily {
  const series =
    type === 'histogram'
      ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`]
      : type === 'summary'
        ? [name, `${name}_sum`, `${name}_count`]
        : [name];
  return { name, type, series, builtin };
}
