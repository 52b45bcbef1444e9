import { ValidationError } from '@kafka-fleet/core';

/** Parses an optional integer query parameter within bounds, naming it in the error. */
export function intQuery(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(`query parameter ${name} must be an integer from ${min} to ${max}`, [
      { path: name, reason: `must be an integer from ${min} to ${max}` },
    ]);
  }
  return value;
}

export function optionalIntQuery(
  name: string,
  raw: string | undefined,
  min: number,
  max: number,
): number | undefined {
  return raw === undefined || raw === '' ? undefined : intQuery(name, raw, 0, min, max);
}
