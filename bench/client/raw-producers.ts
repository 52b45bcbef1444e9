import { Kafka, logLevel } from 'kafkajs';
import type { KafkaClusterSpec } from '../../tools/stack/stack-definition';
import { loadRdkafka } from '../../libs/client/src/backends/rdkafka/load-rdkafka';

/**
 * The baselines: each backend used directly, configured as our adapters configure it (acks=all,
 * idempotence, Java-compatible partitioning), driven with the same batches and concurrency.
 */
export type SendBatch = (values: Array<{ key: string; value: Buffer }>) => Promise<unknown>;

export async function rawKafkaJsSender(
  cluster: KafkaClusterSpec,
  topic: string,
): Promise<{ send: SendBatch; close: () => Promise<void> }> {
  const producer = new Kafka({
    clientId: 'bench-raw',
    brokers: [...cluster.bootstrapServers],
    logLevel: logLevel.NOTHING,
  }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  return {
    send: (batch) => producer.send({ topic, acks: -1, messages: batch }),
    close: () => producer.disconnect(),
  };
}

export async function rawRdkafkaSender(
  cluster: KafkaClusterSpec,
  topic: string,
): Promise<{ send: SendBatch; close: () => Promise<void> }> {
  const { Producer } = loadRdkafka();
  const producer = new Producer(
    {
      'metadata.broker.list': cluster.bootstrapServers.join(','),
      'client.id': 'bench-raw',
      dr_cb: true,
      'enable.idempotence': true,
      'linger.ms': 5,
    },
    { partitioner: 'murmur2_random', 'request.required.acks': -1 },
  );
  producer.on('delivery-report', (error, report) => {
    const done = report.opaque as
      { settle: (e?: unknown, ack?: { partition: number; offset?: number }) => void } | undefined;
    done?.settle(error ?? undefined, { partition: report.partition, offset: report.offset });
  });
  await new Promise<void>((resolve, reject) => producer.connect({}, (e) => (e ? reject(e) : resolve())));
  producer.setPollInterval(5);
  return {
    send: (batch) =>
      Promise.all(
        batch.map(
          (m) =>
            new Promise<{ partition: number; offset?: number }>((resolve, reject) => {
              producer.produce(topic, null, m.value, m.key, Date.now(), {
                settle: (e?: unknown, ack?: { partition: number; offset?: number }) =>
                  e || !ack ? reject(e) : resolve(ack),
              });
            }),
        ),
      ),
    close: () =>
      new Promise<void>((resolve) => producer.flush(10_000, () => producer.disconnect(() => resolve()))),
  };
}
