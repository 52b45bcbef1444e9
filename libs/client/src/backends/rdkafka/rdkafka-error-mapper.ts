import { BackendError, type Remediation } from '../../errors/client-errors';

/**
 * librdkafka error codes (rdkafka.h `rd_kafka_resp_err_t`) → what to do. Negative codes are local;
 * transport-level ones need a fresh client, the rest follow librdkafka's own retriable flag.
 */
const BY_CODE: Record<number, Remediation> = {
  [-195]: 'reconnect', // _TRANSPORT
  [-187]: 'reconnect', // _ALL_BROKERS_DOWN
  [-193]: 'reconnect', // _RESOLVE
  [-192]: 'retry', // _MSG_TIMED_OUT
  [-185]: 'retry', // _TIMED_OUT
  [-184]: 'retry', // _QUEUE_FULL
  [-172]: 'fail', // _STATE
  [-150]: 'fail', // _FATAL
  3: 'fail', // UNKNOWN_TOPIC_OR_PART: a routing error, not a transient one
  10: 'reroute', // MSG_SIZE_TOO_LARGE: a shuffle's write fence (or a really oversized record)
  6: 'retry', // NOT_LEADER_FOR_PARTITION
  7: 'retry', // REQUEST_TIMED_OUT
  19: 'retry', // NOT_ENOUGH_REPLICAS
  20: 'retry', // NOT_ENOUGH_REPLICAS_AFTER_APPEND
};

/**
 * node-rdkafka hands delivery-report errors over as a plain message (code -1, the broker's code
 * lost: `Nan::Error(errstr)` in its callbacks.cc), so those are recognised by librdkafka's text.
 */
const BY_MESSAGE: ReadonlyArray<[RegExp, Remediation]> = [[/message size too large/i, 'reroute']];

export function mapRdkafkaError(error: unknown, context: Record<string, string>): BackendError {
  if (error instanceof BackendError) return error;
  const e = error as { code?: number; message?: string; isRetriable?: boolean; isFatal?: boolean };
  const byMessage =
    e.code === undefined || e.code === -1
      ? BY_MESSAGE.find(([pattern]) => pattern.test(e.message ?? ''))?.[1]
      : undefined;
  const remediation =
    (e.code !== undefined ? BY_CODE[e.code] : undefined) ??
    byMessage ??
    (e.isFatal ? 'fail' : e.isRetriable ? 'retry' : 'fail');
  return new BackendError(`rdkafka: ${e.message ?? String(error)}`, remediation, {
    cause: error,
    context: { backend: 'rdkafka', ...context, kafkaError: String(e.code ?? 'unknown') },
  });
}
