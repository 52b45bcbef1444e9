import type { ErrorCode, FieldIssue } from '@kafka-fleet/contracts';
import { KafkaFleetError, type KafkaFleetErrorOptions } from '@kafka-fleet/core';

/**
 * The command line itself was wrong (unknown command, missing or malformed flag). Carries the
 * command path so the help for that command can be printed with it.
 */
export class UsageError extends KafkaFleetError {
  constructor(
    message: string,
    readonly commandPath: readonly string[] = [],
    options: KafkaFleetErrorOptions = {},
  ) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/** The CLI's own configuration (config file, context, URL) is unusable. */
export class CliConfigError extends KafkaFleetError {
  constructor(message: string, options: KafkaFleetErrorOptions = {}) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/** The config service answered with an error status; `code` and `fields` come from its body. */
export class ServiceError extends KafkaFleetError {
  constructor(
    readonly status: number,
    code: ErrorCode,
    message: string,
    readonly fields: readonly FieldIssue[] = [],
    options: KafkaFleetErrorOptions = {},
  ) {
    super(code, message, options);
  }
}

/** The service could not be reached, or did not answer in time. */
export class NetworkError extends KafkaFleetError {
  constructor(message: string, options: KafkaFleetErrorOptions = {}) {
    super('UNAVAILABLE', message, { retriable: true, ...options });
  }
}

/** The service answered 2xx with a body this CLI does not understand (version skew, proxy page). */
export class UnexpectedResponseError extends KafkaFleetError {
  constructor(message: string, options: KafkaFleetErrorOptions = {}) {
    super('INTERNAL', message, options);
  }
}
