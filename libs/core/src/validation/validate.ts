import type { FieldIssue } from '@kafka-fleet/contracts';
import type { z } from 'zod';
import { ValidationError } from '../errors/fleet-errors';

/** Parses `input` with `schema`, or throws a ValidationError listing every bad field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: FieldIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(root)',
    reason: issue.message,
  }));
  throw new ValidationError(
    `invalid ${what}: ${fields.map((f) => `${f.path} ${f.reason}`).join('; ')}`,
    fields,
  );
}
