import { KafkaFleetError, type KafkaFleetErrorOptions } from '@kafka-fleet/core';

/**
 * What the library does about a backend error: retry it (`reconnect`: the connection was lost,
 * which the backend client re-opens by itself; it is retried the same way), give up, or
 * (`reroute`) ask the config service where the topic went: the broker refused the write because a
 * shuffle fenced the physical topic, and the records were not written.
 */
export type Remediation = 'retry' | 'reconnect' | 'fail' | 'reroute';

/** Which records of a failed send were written (with their acks) and which were not. */
export interface SendOutcome {
  readonly acks: ReadonlyArray<{ readonly partition: number; readonly baseOffset: string }>;
  readonly notWritten: readonly unknown[];
}

/**
 * A backend (KafkaJS or librdkafka) error, classified. `cause` holds the original.
 *
 * @example
 * try { await producer.send(record); } catch (e) { if (e instanceof BackendError && e.retriable) scheduleRetry(); else throw e; }
 */
export class BackendError extends KafkaFleetError {
  /**
   * Set by a backend that knows, per record, what a failed send wrote: a re-send then sends only
   * the records that were not written. Without it every record of the send counts as not written.
   */
  outcome?: SendOutcome;

  constructor(
    message: string,
    readonly remediation: Remediation,
    options: KafkaFleetErrorOptions = {},
  ) {
    super(remediation === 'fail' ? 'BACKEND_ERROR' : 'UNAVAILABLE', message, {
      ...options,
      retriable: remediation !== 'fail',
    });
  }

  /** The same failure, told to one of several sends that shared the request. */
  withOutcome(outcome: SendOutcome): BackendError {
    const copy = new BackendError(this.message, this.remediation, {
      cause: this.cause,
      context: this.context,
    });
    copy.outcome = outcome;
    return copy;
  }
}

/**
 * The physical topic refused the write (a shuffle fenced it) and the config service could not be
 * asked where the logical topic went. Nothing of the send was acknowledged; retry later.
 *
 * @example
 * catch (e) { if (e instanceof RouteFencedError) await sleep(1000); } // then send again
 */
export class RouteFencedError extends KafkaFleetError {
  constructor(topic: string, place: { clusterId: string; physicalTopic: string }, cause: unknown) {
    super(
      'UNAVAILABLE',
      `${place.clusterId}/${place.physicalTopic} refuses writes for "${topic}" (moved by a shuffle, or the records are too large) and the config service is unreachable`,
      { retriable: true, cause, context: { topic, cluster: place.clusterId } },
    );
  }
}

/**
 * The app may not produce to / consume from this logical topic, or it is unknown to its snapshot.
 *
 * @example
 * await expect(producer.send({ topic: 'not.mine', messages })).rejects.toMatchObject({ code: 'NOT_FOUND' });
 */
export class TopicAccessError extends KafkaFleetError {
  constructor(topic: string, what: 'produce' | 'consume' | 'resolve') {
    super(
      what === 'resolve' ? 'NOT_FOUND' : 'FORBIDDEN',
      what === 'resolve'
        ? `logical topic "${topic}" is not in this application's profile`
        : `this application may not ${what} logical topic "${topic}"`,
      { context: { topic } },
    );
  }
}

/**
 * No configuration yet: the service never answered and no last-known-good copy exists.
 *
 * @example
 * const fleet = createFleetClient({ ...options, lastKnownGoodFile: '/var/lib/app/fleet.json' }); // survives this at restart
 */
export class ConfigUnavailableError extends KafkaFleetError {
  constructor(message: string, options: KafkaFleetErrorOptions = {}) {
    super('UNAVAILABLE', message, { retriable: true, ...options });
  }
}

/**
 * The producer's bounded buffer is full while a route switches: back off and retry.
 *
 * @example
 * catch (e) { if (e instanceof BackpressureError) await sleep(50); }
 */
export class BackpressureError extends KafkaFleetError {
  constructor(topic: string, limit: number) {
    super('UNAVAILABLE', `send buffer for "${topic}" is full (${limit} records) while its route switches`, {
      retriable: true,
      context: { topic, limit },
    });
  }
}
