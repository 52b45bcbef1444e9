import type { FieldIssue } from '@kafka-fleet/contracts';
import { KafkaFleetError, type KafkaFleetErrorOptions } from './kafka-fleet-error';

/** Input broke a rule; `fields` says which and why. Fix the request; retrying it cannot help. */
export class ValidationError extends KafkaFleetError {
  constructor(
    message: string,
    readonly fields: FieldIssue[] = [],
    options: KafkaFleetErrorOptions = {},
  ) {
    super('INVALID_ARGUMENT', message, options);
  }
}

export class NotFoundError extends KafkaFleetError {
  constructor(kind: string, id: string, options: KafkaFleetErrorOptions = {}) {
    super('NOT_FOUND', `${kind} "${id}" does not exist`, {
      ...options,
      context: { kind, id, ...options.context },
    });
  }
}

/** A compare-and-set lost, or the resource already exists. Re-read, then decide. */
export class ConflictError extends KafkaFleetError {
  constructor(
    message: string,
    readonly currentVersion?: number,
    options: KafkaFleetErrorOptions = {},
  ) {
    super('CONFLICT', message, options);
  }
}

/** A dependency (Redis, a Kafka cluster) did not answer; the same call may work shortly. */
export class UnavailableError extends KafkaFleetError {
  constructor(message: string, options: KafkaFleetErrorOptions = {}) {
    super('UNAVAILABLE', message, { retriable: true, ...options });
  }
}
