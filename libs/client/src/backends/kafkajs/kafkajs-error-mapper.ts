import { BackendError, type Remediation } from '../../errors/client-errors';

/**
 * KafkaJS error classes → what to do. A data table, not scattered ifs: connection-level failures
 * need a fresh client (brokers may have been replaced behind the same bootstrap names).
 */
const BY_NAME: Record<string, Remediation> = {
  KafkaJSConnectionError: 'reconnect',
  KafkaJSConnectionClosedError: 'reconnect',
  KafkaJSBrokerNotFound: 'reconnect',
  KafkaJSMetadataNotLoaded: 'retry',
  KafkaJSRequestTimeoutError: 'retry',
  KafkaJSNumberOfRetriesExceeded: 'retry',
  KafkaJSLockTimeout: 'retry',
  KafkaJSNonRetriableError: 'fail',
  KafkaJSInvalidVarIntEncoding: 'fail',
};

/** Broker error types (KafkaJS's `type`) whose remediation is not the retriable flag's. */
const BY_TYPE: Record<string, Remediation> = {
  // A shuffle's write fence (max.message.bytes=0) or a really oversized record: ask where to go.
  MESSAGE_TOO_LARGE: 'reroute',
};

export function mapKafkaJsError(error: unknown, context: Record<string, string>): BackendError {
  if (error instanceof BackendError) return error;
  const e = error as {
    name?: string;
    message?: string;
    retriable?: boolean;
    type?: string;
    cause?: { name?: string; type?: string };
  };
  const byCause = e.cause?.name ? BY_NAME[e.cause.name] : undefined;
  // The broker's own error type decides first, also when KafkaJS wrapped it (non-retriable bail).
  const byType = BY_TYPE[e.type ?? ''] ?? BY_TYPE[e.cause?.type ?? ''];
  const remediation = byType ?? BY_NAME[e.name ?? ''] ?? byCause ?? (e.retriable ? 'retry' : 'fail');
  return new BackendError(`kafkajs: ${e.message ?? String(error)}`, remediation, {
    cause: error,
    context: { backend: 'kafkajs', ...context, kafkaError: e.type ?? e.name },
  });
}
