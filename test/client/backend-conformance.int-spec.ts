import type {
  BackendConsumer,
  ConsumedRecord,
  KafkaBackend,
} from '../../libs/client/src/backends/backend-port';
import { kafkaJsBackend } from '../../libs/client/src/backends/kafkajs/kafkajs-backend';
import { rdkafkaBackend } from '../../libs/client/src/backends/rdkafka/rdkafka-backend';
import { partitionForKey } from '@kafka-fleet/core';
import { clusterWithBrokers, createTopic, uniqueTopic } from '../support/stack-harness';

/**
 * One suite, run against every adapter on the real three-broker cluster: the behaviour the
 * routing client relies on must not depend on which backend the config service picked.
 */
const cluster = clusterWithBrokers(3);
const connection = {
  clusterId: cluster.name,
  bootstrapServers: cluster.bootstrapServers,
  clientId: 'conformance',
};
const producerSettings = { lingerMs: 5, requestTimeoutMs: 30_000, compression: 'none' as const };
const group = (topic: string) => `${topic}.g${Math.random().toString(36).slice(2, 7)}`;

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Partition 0's committed offset once it reaches `want` (auto-commits may be asynchronous), or the last seen. */
async function committedEventually(c: BackendConsumer, topic: string, want: string): Promise<string> {
  let committed = '';
  for (let i = 0; i < 50 && committed !== want; i++) {
    committed = (await c.committed([{ topic, partition: 0 }]))[0]?.offset ?? '';
    if (committed !== want) await new Promise((r) => setTimeout(r, 100));
  }
  return committed;
}

describe.each([kafkaJsBackend, rdkafkaBackend].map((b) => [b.name, b] as const))(
  'backend conformance: %s',
  (_name, backend: KafkaBackend) => {
    const consumers: BackendConsumer[] = [];
    const consumer = (groupId: string, extra: { groupInstanceId?: string } = {}) => {
      const c = backend.createConsumer(connection, {
        groupId,
        sessionTimeoutMs: 10_000,
        fromBeginning: true,
        ...extra,
      });
      consumers.push(c);
      return c;
    };
    afterEach(async () => {
      await Promise.all(consumers.splice(0).map((c) => c.disconnect()));
    });

    async function produce(topic: string, count: number, keys = 10) {
      const producer = backend.createProducer(connection, producerSettings);
      await producer.connect();
      try {
        const records = Array.from({ length: count }, (_, i) => ({
          key: `key-${i % keys}`,
          value: `${i % keys}:${Math.floor(i / keys)}`,
          headers: { 'x-seq': String(i), 'x-source': 'conformance' },
        }));
        return { acks: await producer.send(topic, records), records };
      } finally {
        await producer.disconnect();
      }
    }

    /** A new one-partition topic holding `count` records. */
    async function onePartitionTopicWith(count: number): Promise<string> {
      const topic = uniqueTopic(backend.name);
      await createTopic(cluster, topic, 1);
      await produce(topic, count);
      return topic;
    }

    async function consumeAll(
      c: BackendConsumer,
      topic: string,
      count: number,
      onRecord?: (r: ConsumedRecord) => Promise<void>,
      autoCommit = true,
    ) {
      const got: ConsumedRecord[] = [];
      await c.connect();
      await c.subscribe([topic]);
      await c.run(
        async (r) => {
          got.push(r);
          await onRecord?.(r);
        },
        { autoCommit },
      );
      await until(`${count} records`, () => got.length >= count);
      return got;
    }

    it('produces and consumes keys, values and headers, each key in one partition in order', async () => {
      const topic = uniqueTopic(backend.name);
      await createTopic(cluster, topic, 6);
      const { acks, records } = await produce(topic, 200);
      // One acknowledgement per partition written, exactly the partitions the keys hash to.
      const expectedPartitions = [...new Set(records.map((r) => partitionForKey(String(r.key), 6)))].sort();
      expect(acks.map((a) => a.partition).sort()).toEqual(expectedPartitions);
      expect(acks.every((a) => Number(a.baseOffset) >= 0)).toBe(true);
      const got = await consumeAll(consumer(group(topic)), topic, 200);
      expect(got).toHaveLength(200);
      expect(got.map((r) => r.headers['x-source']?.toString())).toEqual(Array(200).fill('conformance'));
      const byKey = new Map<string, number[]>();
      for (const r of got) {
        expect(r.partition).toBe(partitionForKey(r.key!.toString(), 6));
        byKey.set(r.key!.toString(), [
          ...(byKey.get(r.key!.toString()) ?? []),
          Number(r.value!.toString().split(':')[1]),
        ]);
      }
      for (const seqs of byKey.values()) expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i));
    });

    it('resumes from the committed offset after a restart', async () => {
      const topic = await onePartitionTopicWith(50);
      const groupId = group(topic);
      const first = consumer(groupId);
      const seen: string[] = [];
      await consumeAll(
        first,
        topic,
        20,
        async (r) => {
          if (seen.length < 20) {
            seen.push(r.offset);
            await first.commit([{ topic, partition: r.partition, offset: String(Number(r.offset) + 1) }]);
          }
        },
        false,
      );
      await first.disconnect();
      consumers.splice(consumers.indexOf(first), 1);
      const second = consumer(groupId);
      const rest = await consumeAll(second, topic, 30);
      expect(Number(rest[0].offset)).toBe(20);
      expect(rest.slice(0, 30).map((r) => Number(r.offset))).toEqual(
        Array.from({ length: 30 }, (_, i) => 20 + i),
      );
      expect(await committedEventually(second, topic, '50')).toBe('50');
    });

    it('seeks back to an earlier offset', async () => {
      const topic = await onePartitionTopicWith(30);
      const c = consumer(group(topic));
      let sought = false;
      const got = await consumeAll(c, topic, 40, async (r) => {
        if (!sought && r.offset === '29') {
          sought = true;
          c.seek({ topic, partition: 0, offset: '19' });
        }
      });
      expect(got.slice(30, 40).map((r) => Number(r.offset))).toEqual(
        Array.from({ length: 10 }, (_, i) => 19 + i).slice(0, 10),
      );
    });

    it('redelivers a record whose handler failed, and commits it only once handled', async () => {
      const topic = await onePartitionTopicWith(10);
      const c = consumer(group(topic));
      let failures = 0;
      const handledOffsets: string[] = [];
      await c.connect();
      await c.subscribe([topic]);
      await c.run(async (r) => {
        if (r.offset === '4' && failures < 2) {
          failures++;
          throw new Error('transient handler failure');
        }
        handledOffsets.push(r.offset);
      });
      await until('all ten handled', () => handledOffsets.length >= 10);
      expect(failures).toBe(2);
      expect(handledOffsets).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      expect(await committedEventually(c, topic, '10')).toBe('10');
    });

    it('commits exactly what was handled when it disconnects in the middle of a batch', async () => {
      const topic = await onePartitionTopicWith(200);
      const groupId = group(topic);
      const c = consumer(groupId);
      let handled = 0;
      // Slow records: the disconnect comes while a fetched batch is still being worked through.
      await consumeAll(c, topic, 10, async () => {
        await new Promise((r) => setTimeout(r, 20));
        handled++;
      });
      await c.disconnect();
      consumers.splice(consumers.indexOf(c), 1);
      expect(handled).toBeLessThan(200);
      const probe = consumer(groupId);
      await probe.connect();
      expect((await probe.committed([{ topic, partition: 0 }]))[0]?.offset).toBe(String(handled));
    });

    it('pauses and resumes a partition', async () => {
      const topic = await onePartitionTopicWith(20);
      const c = consumer(group(topic));
      const got = await consumeAll(c, topic, 20);
      c.pause([{ topic, partition: 0 }]);
      await produce(topic, 10);
      await new Promise((r) => setTimeout(r, 2000));
      expect(got).toHaveLength(20);
      c.resume([{ topic, partition: 0 }]);
      await until('records after resume', () => got.length >= 30);
      expect(got).toHaveLength(30);
    });

    it('a group of three members rebalancing while consuming: nothing lost, nothing handled twice after commit', async () => {
      const topic = uniqueTopic(backend.name);
      await createTopic(cluster, topic, 6);
      const groupId = group(topic);
      const handled = new Map<string, number>();
      const member = async () => {
        const c = consumer(groupId);
        await c.connect();
        await c.subscribe([topic]);
        // The port commits each handled record itself (autoCommit), and before revoking a partition.
        await c.run(async (r) => {
          const id = r.value!.toString();
          handled.set(id, (handled.get(id) ?? 0) + 1);
        });
        return c;
      };
      const producer = backend.createProducer(connection, producerSettings);
      await producer.connect();
      let sent = 0;
      const sendSome = async (n: number) => {
        const batch = Array.from({ length: n }, (_, i) => ({
          key: `k-${(sent + i) % 30}`,
          value: `m-${sent + i}`,
        }));
        sent += n;
        await producer.send(topic, batch);
      };
      await member();
      await sendSome(300);
      await member(); // join while consuming
      await sendSome(300);
      await member();
      await sendSome(300);
      await until(`all ${sent} handled`, () => handled.size >= sent, 90_000);
      await producer.disconnect();
      const duplicates = [...handled].filter(([, n]) => n > 1);
      expect(handled.size).toBe(sent);
      expect(duplicates).toEqual([]);
    });
  },
);
