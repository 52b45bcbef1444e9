import type { ErrorCode } from '@kafka-fleet/contracts';

export interface KafkaFleetErrorOptions {
  /** Whether the same call may succeed if simply retried. @default false */
  readonly retriable?: boolean;
  readonly cause?: unknown;
  /** Structured context (topic, cluster, partition…); never secrets or payloads. */
  readonly context?: Readonly<Record<string, string | number | boolean | undefined>>;
}

/**
 * Base of every error kafka-fleet raises. Callers branch on `code` and `retriable`, never on the
 * message text; `cause` keeps the underlying backend or I/O error for diagnosis.
 */
export class KafkaFleetError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  override readonly cause: unknown;
  readonly context: Readonly<Record<string, string | number | boolean | undefined>>;

  constructor(code: ErrorCode, message: string, options: KafkaFleetErrorOptions = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.cause = options.cause;
    this.context = Object.freeze({ ...options.context });
  }
}
