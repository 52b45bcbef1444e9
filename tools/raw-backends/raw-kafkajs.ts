import { Kafka, logLevel, Partitioners, type ICustomPartitioner, type Message } from 'kafkajs';
import { sendCompletely } from '@kafka-fleet/client';
import type { KafkaClusterSpec } from '../stack/stack-definition';
import { chunk, freshGroupId, ReadToEnd, type RawBackend } from './raw-backend';
import { endOffsets } from './topic-admin';

function client(cluster: KafkaClusterSpec): Kafka {
  return new Kafka({
    clientId: 'it-raw-kafkajs',
    brokers: [...cluster.bootstrapServers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 2000 },
  });
}

/** KafkaJS's own default (Java-compatible murmur2) partitioner, remembering what it chose per message. */
function recordingDefaultPartitioner(chosen: WeakMap<Message, number>): ICustomPartitioner {
  return () => {
    const inner = Partitioners.DefaultPartitioner();
    return (args) => {
      const partition = inner(args);
      chosen.set(args.message, partition);
      return partition;
    };
  };
}

/**
 * Raw KafkaJS. With `completeSends`, each send goes through our `sendCompletely` guard; without it,
 * `send()` is trusted as KafkaJS users do, and messages whose partition its result omits are
 * reported through `onUnconfirmed` so a test can show what a plain user would have lost.
 */
export function rawKafkaJs(options: { completeSends: boolean }): RawBackend {
  return {
    name: options.completeSends ? 'kafkajs+sendCompletely' : 'kafkajs',

    async produce(cluster, topic, messages, produceOptions = {}) {
      const chosen = new WeakMap<Message, number>();
      // Idempotent: a retried request (e.g. a timeout while a fresh cluster elects leaders) must not duplicate.
      const producer = client(cluster).producer({
        createPartitioner: recordingDefaultPartitioner(chosen),
        idempotent: true,
        maxInFlightRequests: 1,
      });
      await producer.connect();
      try {
        for (const batch of chunk(messages, produceOptions.batchSize ?? 100)) {
          const record = { topic, acks: -1, messages: batch.map((m) => ({ key: m.key, value: m.value })) };
          const metadata = options.completeSends
            ? (await sendCompletely((r) => producer.send(r), record, chosen)).metadata
            : await producer.send(record);
          const confirmed = new Set(metadata.map((m) => m.partition));
          const isConfirmed = (i: number) => confirmed.has(chosen.get(record.messages[i]) ?? -1);
          produceOptions.onAcked?.(batch.filter((_, i) => isConfirmed(i)));
          const unconfirmed = batch.filter((_, i) => !isConfirmed(i));
          if (unconfirmed.length > 0) produceOptions.onUnconfirmed?.(unconfirmed);
        }
      } finally {
        await producer.disconnect();
      }
    },

    async consume(cluster, topic, expected, timeoutMs = 60_000) {
      const read = new ReadToEnd(await endOffsets(cluster, topic), expected);
      const consumer = client(cluster).consumer({ groupId: freshGroupId(topic), sessionTimeout: 10_000 });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic, fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`kafkajs consumed ${read.describe(topic)}`)),
            timeoutMs,
          );
          consumer
            .run({
              eachMessage: async ({ partition, message }) => {
                read.add({
                  key: message.key?.toString() ?? '',
                  value: message.value?.toString() ?? '',
                  partition,
                  offset: Number(message.offset),
                });
                if (read.done) {
                  clearTimeout(timer);
                  resolve();
                }
              },
            })
            .catch(reject);
        });
      } finally {
        await consumer.disconnect();
      }
      return read.records;
    },
  };
}
