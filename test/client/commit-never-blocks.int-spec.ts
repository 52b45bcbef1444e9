import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { BackendConsumer, KafkaBackend } from '../../libs/client/src/backends/backend-port';
import { kafkaJsBackend } from '../../libs/client/src/backends/kafkajs/kafkajs-backend';
import { rdkafkaBackend } from '../../libs/client/src/backends/rdkafka/rdkafka-backend';
import { createTopic, freezeBroker, twoClusters, uniqueTopic } from '../support/stack-harness';

const beta = twoClusters()[1];
const connection = {
  clusterId: beta.name,
  bootstrapServers: beta.bootstrapServers,
  clientId: 'commit-probe',
};
const FREEZE_MS = 3000;

/**
 * The group coordinator (beta's one broker) freezes for 3 s (SIGSTOP, as in a long GC pause) while
 * a consumer has handled records that are not yet committed, and the consumer is flushed (as a
 * draining lane is every 250 ms). The flush settles once the broker thaws, and the event loop never
 * stops meanwhile: a blocking commit (librdkafka's `commitSync`, which the rdkafka backend used for
 * flushes and revocations) can hold it, and every heartbeat and lane of the process with it.
 */
describe.each([kafkaJsBackend, rdkafkaBackend].map((b) => [b.name, b] as const))(
  'commits while the coordinator is frozen (%s)',
  (_name, backend: KafkaBackend) => {
    let consumer: BackendConsumer | undefined;
    let thaw: (() => void) | undefined;
    afterEach(async () => {
      thaw?.();
      await consumer?.disconnect();
    });

    it('never blocks the event loop, and the commits land after the thaw', async () => {
      const topic = uniqueTopic(`commit-${backend.name}`);
      await createTopic(beta, topic, 1);
      const producer = backend.createProducer(connection, {
        lingerMs: 5,
        requestTimeoutMs: 30_000,
        compression: 'none',
      });
      await producer.connect();
      await producer.send(
        topic,
        Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: String(i) })),
      );
      await producer.disconnect();

      consumer = backend.createConsumer(connection, {
        groupId: `${topic}.g`,
        sessionTimeoutMs: 30_000,
        fromBeginning: true,
      });
      await consumer.connect();
      await consumer.subscribe([topic]);
      let handled = 0;
      await consumer.run(async () => {
        handled++;
        // Frozen right after this record was handled: its commit cannot reach the coordinator.
        if (handled === 10) thaw = freezeBroker(beta.brokers[0], FREEZE_MS);
      });
      await until(() => handled >= 10, 60_000);

      const flush = await loopDelayWhile(consumer.flush());
      await until(() => handled === 20, 30_000);
      const [committed] = await consumer.committed([{ topic, partition: 0 }]);

      expect({ flush: flush.settled, committed: committed.offset }).toEqual({
        flush: 'fulfilled',
        committed: '20',
      });
      // Generous against scheduling noise on a loaded machine; a blocking commit holds the loop for
      // the whole freeze.
      expect({ maxLoopDelayUnderOneSecond: flush.maxMs < 1000 }).toEqual({
        maxLoopDelayUnderOneSecond: true,
      });
      process.stdout.write(
        `  ${backend.name}: longest event-loop stall while flushing to a frozen coordinator: ${flush.maxMs.toFixed(0)} ms (the flush took ${flush.tookMs} ms)\n`,
      );
    }, 120_000);

    /**
     * The commit's outcome, and the event loop's longest delay until it settled: it can only
     * settle once the broker thawed, so the watch spans the freeze.
     */
    async function loopDelayWhile(commit: Promise<void>) {
      const histogram = monitorEventLoopDelay({ resolution: 20 });
      histogram.enable();
      const started = Date.now();
      const settled = await commit.then(
        () => 'fulfilled' as const,
        (e: unknown) => `rejected: ${(e as Error).message}`,
      );
      await new Promise((r) => setTimeout(r, 100)); // a blocked loop's delay is recorded once it runs
      histogram.disable();
      return { settled, maxMs: histogram.max / 1e6, tookMs: Date.now() - started };
    }
  },
);

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
