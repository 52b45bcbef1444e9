import type { ErrorCode } from '@kafka-fleet/contracts';
import { KafkaFleetError } from '@kafka-fleet/core';
import { CliConfigError, UsageError } from './cli-errors';

/**
 * Exit codes scripts can branch on. Documented in `fleet --help` and the CLI README; never
 * renumber one, only add.
 */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  auth: 5,
  unavailable: 6,
  badInput: 7,
  /** A followed long operation ended, but not as asked: a shuffle that failed or was aborted. */
  operationFailed: 8,
  /** 128 + SIGINT, the shell convention: a wait was cut short by Ctrl-C. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A data table, not a chain of ifs: one row per wire error code. */
const BY_CODE: Record<ErrorCode, ExitCode> = {
  INVALID_ARGUMENT: EXIT.badInput,
  NOT_FOUND: EXIT.notFound,
  CONFLICT: EXIT.conflict,
  UNAUTHENTICATED: EXIT.auth,
  FORBIDDEN: EXIT.auth,
  UNAVAILABLE: EXIT.unavailable,
  TIMEOUT: EXIT.unavailable,
  BACKEND_ERROR: EXIT.unavailable,
  INTERNAL: EXIT.unexpected,
};

export const EXIT_CODE_HELP: ReadonlyArray<readonly [ExitCode, string]> = [
  [EXIT.ok, 'success'],
  [EXIT.unexpected, 'unexpected error (service 500, bug, unreadable response)'],
  [EXIT.usage, 'usage error (unknown command, missing or malformed flag, bad CLI config)'],
  [EXIT.notFound, 'not found (404)'],
  [EXIT.conflict, 'conflict: already exists or stale version (409)'],
  [EXIT.auth, 'authentication or permission refused (401, 403)'],
  [EXIT.unavailable, 'service or a dependency unavailable, timeout, network error (502-504)'],
  [EXIT.badInput, 'input refused by the service (400, 413, 415, 422)'],
  [EXIT.operationFailed, 'a followed shuffle ended failed or aborted'],
  [EXIT.interrupted, 'interrupted (Ctrl-C) before a --wait finished; --follow ends with 0'],
];

export function exitCodeFor(error: unknown): ExitCode {
  // Usage and CLI-config errors share INVALID_ARGUMENT with the service's refusals, but they are
  // the caller's command line, not data the service judged: scripts need to tell the two apart.
  if (error instanceof UsageError || error instanceof CliConfigError) return EXIT.usage;
  if (error instanceof KafkaFleetError) return BY_CODE[error.code] ?? EXIT.unexpected;
  return EXIT.unexpected;
}
