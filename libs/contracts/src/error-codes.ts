/**
 * Error codes on the wire: the service returns them in error bodies, the client library raises them
 * as `KafkaFleetError.code`, the CLI maps them to exit codes. One list, so the three never drift.
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'UNAVAILABLE',
  'TIMEOUT',
  'BACKEND_ERROR',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
