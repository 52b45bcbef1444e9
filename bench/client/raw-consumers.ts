import { Kafka, logLevel } from 'kafkajs';
import type { KafkaClusterSpec } from '../../tools/stack/stack-definition';
import { loadRdkafka } from '../../libs/client/src/backends/rdkafka/load-rdkafka';

/** Reads a topic from the beginning with a fresh group; `onRecord` is called once per record. */
export type StartReader = (onRecord: () => void) => Promise<{ close: () => Promise<void> }>;

/** The baseline a KafkaJS user writes: `eachMessage` with KafkaJS's default commits (per batch). */
export function rawKafkaJsReader(cluster: KafkaClusterSpec, topic: string, groupId: string): StartReader {
  return async (onRecord) => {
    const consumer = new Kafka({
      clientId: 'bench-raw',
      brokers: [...cluster.bootstrapServers],
      logLevel: logLevel.NOTHING,
    }).consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async () => onRecord() });
    return { close: () => consumer.disconnect() };
  };
}

/** The node-rdkafka baseline: a `consume(100)` loop with librdkafka's default auto-commit. */
export function rawRdkafkaReader(cluster: KafkaClusterSpec, topic: string, groupId: string): StartReader {
  return async (onRecord) => {
    const consumer = new (loadRdkafka().KafkaConsumer)(
      { 'metadata.broker.list': cluster.bootstrapServers.join(','), 'group.id': groupId },
      { 'auto.offset.reset': 'earliest' },
    );
    await new Promise<void>((resolve, reject) => consumer.connect({}, (e) => (e ? reject(e) : resolve())));
    consumer.subscribe([topic]);
    let running = true;
    const loop = (async () => {
      while (running) {
        const batch = await new Promise<unknown[]>((resolve, reject) =>
          consumer.consume(100, (error, messages) => (error ? reject(error) : resolve(messages))),
        );
        for (let i = 0; i < batch.length; i++) onRecord();
      }
    })();
    return {
      close: async () => {
        running = false;
        await loop;
        await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
      },
    };
  };
}
