import { KafkaConsumer, Producer, type LibrdKafkaError, type Message } from 'node-rdkafka';
import { chunk, freshGroupId, ReadToEnd, type KeyedMessage, type RawBackend } from './raw-backend';
import { endOffsets } from './topic-admin';

function connect(client: Producer | KafkaConsumer): Promise<void> {
  return new Promise((resolve, reject) => {
    client.connect({ timeout: 15_000 }, (error) => (error ? reject(error) : resolve()));
  });
}

function disconnect(client: Producer | KafkaConsumer): Promise<void> {
  return new Promise((resolve) => client.disconnect(() => resolve()));
}

export const rawRdkafka: RawBackend = {
  name: 'rdkafka',

  async produce(cluster, topic, messages, options = {}) {
    const producer = new Producer(
      {
        'metadata.broker.list': cluster.bootstrapServers.join(','),
        'client.id': 'it-raw-rdkafka',
        dr_cb: true,
        'enable.idempotence': true,
        'linger.ms': 5,
      },
      {
        // librdkafka's default, consistent_random, is CRC32-based and disagrees with Java clients;
        // murmur2_random hashes non-null keys exactly like Java's default partitioner.
        partitioner: options.rdkafkaPartitioner ?? 'murmur2_random',
        'request.required.acks': -1,
      },
    );
    await connect(producer);
    producer.setPollInterval(20);
    try {
      for (const batch of chunk(messages, options.batchSize ?? 100)) {
        await produceBatch(producer, topic, batch);
        options.onAcked?.(batch);
      }
    } finally {
      await disconnect(producer);
    }
  },

  async consume(cluster, topic, expected, timeoutMs = 60_000) {
    const consumer = new KafkaConsumer(
      {
        'metadata.broker.list': cluster.bootstrapServers.join(','),
        'group.id': freshGroupId(topic),
        'enable.auto.commit': false,
      },
      { 'auto.offset.reset': 'earliest' },
    );
    const read = new ReadToEnd(await endOffsets(cluster, topic), expected);
    await connect(consumer);
    try {
      consumer.subscribe([topic]);
      const deadline = Date.now() + timeoutMs;
      while (!read.done) {
        if (Date.now() > deadline) throw new Error(`rdkafka consumed ${read.describe(topic)}`);
        for (const message of await consumeBatch(consumer, 200)) {
          read.add({
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            partition: message.partition,
            offset: message.offset,
          });
        }
      }
    } finally {
      await disconnect(consumer);
    }
    return read.records;
  },
};

/** Resolves when every message of the batch has a successful delivery report. */
function produceBatch(producer: Producer, topic: string, batch: readonly KeyedMessage[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = batch.length;
    const tokens = new Set<object>();
    const onReport = (error: LibrdKafkaError | null, report: { opaque?: unknown }) => {
      const token = report.opaque as object;
      if (!tokens.has(token)) return;
      tokens.delete(token);
      if (error) {
        producer.off('delivery-report', onReport);
        reject(error);
      } else if (--pending === 0) {
        producer.off('delivery-report', onReport);
        resolve();
      }
    };
    producer.on('delivery-report', onReport);
    for (const message of batch) {
      const token = {};
      tokens.add(token);
      producer.produce(topic, null, Buffer.from(message.value), message.key, Date.now(), token);
    }
  });
}

function consumeBatch(consumer: KafkaConsumer, size: number): Promise<Message[]> {
  return new Promise((resolve, reject) => {
    consumer.consume(size, (error, messages) => (error ? reject(error) : resolve(messages)));
  });
}
