import type { FieldIssue } from '@kafka-fleet/contracts';
import { ValidationError } from '../errors/fleet-errors';

type Value = string | number | boolean;
type Rule = (value: Value) => string | undefined;

const intBetween =
  (min: number, max: number): Rule =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? undefined
      : `must be an integer from ${min} to ${max}`;
const oneOf =
  (...allowed: Value[]): Rule =>
  (v) =>
    allowed.includes(v) ? undefined : `must be one of ${allowed.map(String).join(', ')}`;

/**
 * The client settings an application may override, each with its bounds. Anything else is refused:
 * durability settings (acks, idempotence, partitioner) are fixed by the platform, because the
 * shuffle's no-loss and per-key-order guarantees depend on them.
 */
export const CONFIG_GUARDRAILS: Readonly<Record<string, Rule>> = {
  lingerMs: intBetween(0, 1000),
  batchSizeBytes: intBetween(1024, 16 * 1024 * 1024),
  compression: oneOf('none', 'gzip', 'snappy', 'lz4', 'zstd'),
  requestTimeoutMs: intBetween(1000, 120_000),
  sessionTimeoutMs: intBetween(6000, 300_000),
  heartbeatIntervalMs: intBetween(500, 60_000),
  maxPollIntervalMs: intBetween(10_000, 3_600_000),
  fetchMaxBytes: intBetween(1024, 64 * 1024 * 1024),
  maxInFlightBuffer: intBetween(1, 1_000_000),
};

export function checkConfigOverrides(overrides: Readonly<Record<string, Value>>): void {
  const fields: FieldIssue[] = [];
  for (const [key, value] of Object.entries(overrides)) {
    const rule = CONFIG_GUARDRAILS[key];
    const reason = rule
      ? rule(value)
      : `is not an overridable setting (allowed: ${Object.keys(CONFIG_GUARDRAILS).join(', ')})`;
    if (reason) fields.push({ path: `configOverrides.${key}`, reason });
  }
  if (fields.length) throw new ValidationError('config overrides break the guardrails', fields);
}
