import type { LibrdKafkaError, Producer } from 'node-rdkafka';
import type {
  BackendProducer,
  ClusterConnection,
  OutgoingRecord,
  ProducerSettings,
  PartitionAck,
} from '../backend-port';
import { BackendError } from '../../errors/client-errors';
import { loadRdkafka } from './load-rdkafka';
import { rdkafkaProducerConfig } from './rdkafka-config';
import { mapRdkafkaError } from './rdkafka-error-mapper';

type Delivered = { partition: number; offset: number };
type Pending = { resolve: (ack: Delivered) => void; reject: (error: unknown) => void };

/** How long `disconnect` lets librdkafka deliver what it holds before giving up on it. */
const FLUSH_ON_DISCONNECT_MS = 10_000;

export class RdkafkaProducer implements BackendProducer {
  private readonly producer: Producer;
  /** Records handed to librdkafka whose delivery report has not come yet. */
  private readonly unreported = new Set<Pending>();

  constructor(
    private readonly cluster: ClusterConnection,
    settings: ProducerSettings,
  ) {
    const { global, topic } = rdkafkaProducerConfig(cluster, settings);
    this.producer = new (loadRdkafka().Producer)(global, topic);
    // Delivery reports carry the token we passed as `opaque`: one callback settles one record.
    this.producer.on('delivery-report', (error: LibrdKafkaError | null, report) => {
      const pending = report.opaque as Pending | undefined;
      if (!pending || !this.unreported.delete(pending)) return;
      if (error)
        pending.reject(mapRdkafkaError(error, { cluster: this.cluster.clusterId, topic: report.topic }));
      else pending.resolve({ partition: report.partition, offset: report.offset });
    });
  }

  connect(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.producer.connect({ timeout: 15_000 }, (error) =>
        error ? reject(mapRdkafkaError(error, { cluster: this.cluster.clusterId })) : resolve(),
      );
    }).then(() => {
      this.producer.setPollInterval(5);
    });
  }

  async send(topic: string, records: readonly OutgoingRecord[]): Promise<PartitionAck[]> {
    // Every record's delivery report is awaited, failed or not: librdkafka reports per record, so
    // a failed send can say exactly which records were written (a re-send must not repeat them).
    const settled = await Promise.allSettled(
      records.map(
        (record) =>
          new Promise<Delivered>((resolve, reject) => {
            const pending: Pending = { resolve, reject };
            const headers = record.headers
              ? Object.entries(record.headers).map(([k, v]) => ({ [k]: v }))
              : undefined;
            const value =
              record.value === null
                ? null
                : Buffer.isBuffer(record.value)
                  ? record.value
                  : Buffer.from(record.value);
            try {
              this.producer.produce(
                topic,
                null,
                value,
                record.key ?? null,
                record.timestamp ?? Date.now(),
                pending,
                headers,
              );
              this.unreported.add(pending);
            } catch (error) {
              reject(mapRdkafkaError(error, { cluster: this.cluster.clusterId, topic }));
            }
          }),
      ),
    );
    const delivered = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (!failure) return firstOffsets(delivered);
    const error = mapRdkafkaError(failure.reason, { cluster: this.cluster.clusterId, topic });
    error.outcome = {
      acks: firstOffsets(delivered),
      notWritten: records.filter((_, i) => settled[i].status === 'rejected'),
    };
    throw error;
  }

  /**
   * Gives librdkafka up to FLUSH_ON_DISCONNECT_MS to deliver what it holds, then closes. A record
   * still unreported then (its broker unreachable) fails its send with BACKEND_ERROR: it may or
   * may not have been written, but no send is left waiting for a report that never comes.
   */
  disconnect(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.producer.flush(FLUSH_ON_DISCONNECT_MS, () => this.producer.disconnect(() => resolve()));
    }).finally(() => {
      for (const pending of this.unreported)
        pending.reject(
          new BackendError(
            `rdkafka: the producer for ${this.cluster.clusterId} closed before the broker reported the record; it may or may not have been written`,
            'fail',
            { context: { cluster: this.cluster.clusterId, backend: 'rdkafka' } },
          ),
        );
      this.unreported.clear();
    });
  }
}

/** One entry per partition, like KafkaJS: the lowest offset a send wrote there. */
function firstOffsets(delivered: readonly Delivered[]): PartitionAck[] {
  const first = new Map<number, number>();
  for (const d of delivered) first.set(d.partition, Math.min(first.get(d.partition) ?? d.offset, d.offset));
  return [...first].map(([partition, offset]) => ({ partition, baseOffset: String(offset) }));
}
