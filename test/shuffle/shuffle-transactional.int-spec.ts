import type { Topic } from '@kafka-fleet/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { KEYS_PER_PRODUCER, ProducerLoad, expectEveryRecordOnce, recordFor } from './support/traffic';
import { KAFKAJS_APP, ShuffleFixture, until } from './support/shuffle-fixture';

const TRANSACTIONS = 24;
const PER_TRANSACTION = 30;
const PARTITIONS = 3;

/**
 * A transactional writer (not our client: an app using Kafka's transactions directly) wrote the
 * topic, committing most transactions and aborting some, the last one aborted. Each partition then
 * ends with a transaction marker that no consumer ever gets as a record, so a group that handled
 * everything has committed offsets below the end offsets.
 */
async function writeTransactionally(fx: ShuffleFixture, physicalTopic: string): Promise<Set<number>> {
  const producer = new Kafka({
    brokers: [...fx.clusters[0].bootstrapServers],
    logLevel: logLevel.NOTHING,
  }).producer({ transactionalId: `e2e-txn-${physicalTopic}`, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const committed = new Set<number>();
  for (let t = 0; t < TRANSACTIONS; t++) {
    const abort = t % 4 === 3 || t === TRANSACTIONS - 1;
    const seqs = Array.from({ length: PER_TRANSACTION }, (_, i) => t * PER_TRANSACTION + i);
    const transaction = await producer.transaction();
    // One send per partition, each to one leader: a send that spans brokers is not safe in KafkaJS
    // 2.2.4. When one broker's part fails retriably (CONCURRENT_TRANSACTIONS right after the last
    // commit, every few transactions here), its retry re-sends to every broker whose part had not
    // answered yet, under fresh sequence numbers: the log then holds those records twice in one
    // committed transaction (seen on this test's partitions with kafka-dump-log).
    // A key's records all go to one partition (its key number modulo the partitions), so per-key
    // order is defined.
    for (let partition = 0; partition < PARTITIONS; partition++)
      await transaction.send({
        topic: physicalTopic,
        messages: seqs
          .filter((seq) => (seq % KEYS_PER_PRODUCER) % PARTITIONS === partition)
          .map((seq) => ({ ...recordFor(abort ? 'aborted' : 'txn', seq), partition })),
      });
    if (abort) await transaction.abort();
    else {
      await transaction.commit();
      for (const seq of seqs) committed.add(seq);
    }
  }
  await producer.disconnect();
  return committed;
}

describe('shuffle of a topic written transactionally', () => {
  const fx = new ShuffleFixture(44);
  beforeAll(() => fx.setUp(PARTITIONS));
  afterAll(() => fx.tearDown());

  it('drains groups on both backends that read everything committed, and delivers nothing aborted', async () => {
    const groups = await fx.groupOnEachBackend();
    const topic = (await fx.sre()<Topic>('GET', `/v1/topics/${fx.topic}`)).body;
    const committed = await writeTransactionally(fx, topic.placement.physicalTopic);
    const owed = [{ name: 'txn', acked: committed }];
    for (const g of groups) await expectEveryRecordOnce(owed, g.tally, g.app);

    const started = await fx.startShuffle('beta');
    const done = await fx.waitFor(started.id, 'done', { timeoutMs: 60_000 });

    console.log(`transactional shuffle: ${JSON.stringify(done.phaseDurationsMs)}`);
    expect([...done.groupsDrained].sort()).toEqual(groups.map((g) => `${fx.topic}.${g.app}`).sort());
    // The groups moved on: what is produced on beta now reaches them too.
    const after = new ProducerLoad('after', await fx.fleet(KAFKAJS_APP), fx.topic, 5, 5);
    after.start();
    await until('records on beta', () => after.ackedOn('beta') >= 200, 60_000);
    await after.stop();
    for (const g of groups) {
      await expectEveryRecordOnce([...owed, after], g.tally, g.app);
      expect({ group: g.app, aborted: g.tally.seen.filter((s) => s.producer === 'aborted').length }).toEqual({
        group: g.app,
        aborted: 0,
      });
    }
  }, 300_000);
});
