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

/**
 * Rules between two settings, checked on the values in force (an override and the setting it is
 * paired with, wherever that comes from). librdkafka refuses to create a consumer whose poll
 * interval is below its session timeout, and Kafka's guidance is a heartbeat at most a third of
 * the session timeout, so a member is not expelled for one late heartbeat.
 */
const PAIR_RULES: ReadonlyArray<{
  readonly key: string;
  readonly other: string;
  readonly holds: (value: number, other: number) => boolean;
  readonly reason: string;
}> = [
  {
    key: 'heartbeatIntervalMs',
    other: 'sessionTimeoutMs',
    holds: (hb, session) => hb * 3 <= session,
    reason: 'must be at most a third of sessionTimeoutMs',
  },
  {
    key: 'maxPollIntervalMs',
    other: 'sessionTimeoutMs',
    holds: (poll, session) => poll >= session,
    reason: 'must be at least sessionTimeoutMs',
  },
];

/** Why each override may not be applied over `inForce` (the other settings' values), by key. */
export function refusedOverrides(
  overrides: Readonly<Record<string, Value>>,
  inForce: Readonly<Record<string, Value | undefined>> = {},
): FieldIssue[] {
  const fields: FieldIssue[] = [];
  for (const [key, value] of Object.entries(overrides)) {
    const rule = Object.hasOwn(CONFIG_GUARDRAILS, key) ? CONFIG_GUARDRAILS[key] : undefined;
    const reason = rule
      ? rule(value)
      : `is not an overridable setting (allowed: ${Object.keys(CONFIG_GUARDRAILS).join(', ')})`;
    if (reason) fields.push({ path: `configOverrides.${key}`, reason });
  }
  const value = (k: string) => (Object.hasOwn(overrides, k) ? overrides[k] : inForce[k]);
  for (const pair of PAIR_RULES) {
    const [a, b] = [value(pair.key), value(pair.other)];
    const involved = Object.hasOwn(overrides, pair.key) || Object.hasOwn(overrides, pair.other);
    if (involved && typeof a === 'number' && typeof b === 'number' && !pair.holds(a, b))
      fields.push({ path: `configOverrides.${pair.key}`, reason: `${pair.reason} (${a} against ${b})` });
  }
  return fields;
}

export function checkConfigOverrides(overrides: Readonly<Record<string, Value>>): void {
  const fields = refusedOverrides(overrides);
  if (fields.length) throw new ValidationError('config overrides break the guardrails', fields);
}
