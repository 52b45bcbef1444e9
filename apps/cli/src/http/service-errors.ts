import { ERROR_CODES, type ErrorCode, type FieldIssue } from '@kafka-fleet/contracts';
import { z } from 'zod';
import { ServiceError } from '../errors/cli-errors';

const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    retriable: z.boolean().optional(),
    fields: z.array(z.object({ path: z.string(), reason: z.string() })).optional(),
    currentVersion: z.number().optional(),
  }),
});

/** What a status means when the body does not say (a proxy's page, an older service). */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 502:
      return 'BACKEND_ERROR';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'TIMEOUT';
    default:
      return status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
  }
}

const isErrorCode = (code: string): code is ErrorCode => (ERROR_CODES as readonly string[]).includes(code);

/**
 * Turns an error response into a typed error. The service's own body (code, reason, field issues)
 * wins; a body we cannot read falls back to the status, and only a short single-line excerpt of
 * it is kept, since proxies answer with whole HTML pages.
 */
export function serviceErrorFrom(status: number, bodyText: string): ServiceError {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    json = undefined;
  }
  const parsed = errorBody.safeParse(json);
  if (parsed.success) {
    const { code, message, retriable, fields, currentVersion } = parsed.data.error;
    const withVersion =
      currentVersion !== undefined ? `${message} (current version ${currentVersion})` : message;
    return new ServiceError(
      status,
      isErrorCode(code) ? code : codeForStatus(status),
      withVersion,
      (fields ?? []) as FieldIssue[],
      { retriable: retriable ?? status >= 500, context: { status } },
    );
  }
  const excerpt = bodyText.replace(/\s+/g, ' ').trim().slice(0, 120);
  return new ServiceError(status, codeForStatus(status), excerpt || 'no error body', [], {
    retriable: status >= 500,
    context: { status },
  });
}
