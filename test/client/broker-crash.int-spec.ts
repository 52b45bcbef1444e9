import type { Topic } from '@kafka-fleet/contracts';
import type { BrokerNode, KafkaClusterSpec } from '../../tools/stack/stack-definition';
import { freezeBroker, killBroker, leaderOf, restartBroker } from '../support/stack-harness';
import { readPhysicalTopic } from '../shuffle/support/physical-reader';
import { FleetFixture } from './fleet-fixture';

const SENDERS = 8;
const SENDS_PER_SENDER = 30;
const RECORDS_PER_SEND = 25;
const TOTAL = SENDERS * SENDS_PER_SENDER * RECORDS_PER_SEND;

/**
 * Through our client on each backend: eight senders write sequence-numbered records concurrently
 * (so sends are merged into requests that span brokers), and the leader of partition 0 is
 * SIGKILLed a third of the way in, then restarted. Read back from every partition to its end
 * offset, every record whose send resolved is there exactly once. Before the client split its
 * KafkaJS requests by leader, KafkaJS's retry after the crash sent again to brokers that had not
 * answered yet, under fresh sequence numbers, and the log held those records twice.
 */
describe.each([
  ['kafkajs', 53],
  ['rdkafka', 54],
] as const)('partition leader crashed under concurrent sends through the client (%s)', (backend, db) => {
  const fx = new FleetFixture(db, backend);
  beforeAll(() => fx.setUp());
  afterAll(() => fx.tearDown());

  it('writes every acknowledged record exactly once', async () => {
    const alpha = fx.clusters[0];
    const physical = (await fx.sre()<Topic>('GET', `/v1/topics/${fx.topic}`)).body.placement.physicalTopic;
    const victim = await leaderOf(alpha, physical, 0);
    const frozen = await otherLeader(alpha, physical, victim.nodeId);
    const producer = (await fx.fleet({ maxSendRetries: 10 })).producer();
    const acked = new Set<string>();
    const failed = new Set<string>();
    let crash: Promise<string> | undefined;
    try {
      await Promise.all(
        Array.from({ length: SENDERS }, async (_, sender) => {
          for (let n = 0; n < SENDS_PER_SENDER; n++) {
            const values = Array.from(
              { length: RECORDS_PER_SEND },
              (_, i) => `s${sender}-${n * RECORDS_PER_SEND + i}`,
            );
            const messages = values.map((value, i) => ({ key: `s${sender}-k${i % 5}`, value }));
            try {
              await producer.send({ topic: fx.topic, messages });
              values.forEach((v) => acked.add(v));
            } catch {
              values.forEach((v) => failed.add(v)); // may or may not be written: never counted as lost
            }
            if (!crash && acked.size >= TOTAL / 3) crash = crashWhileFrozen(victim, frozen);
          }
        }),
      );
    } finally {
      await crash;
      await restartBroker(alpha, victim);
    }
    expect(crash).toBeDefined();

    const log = await readPhysicalTopic(alpha, physical, 90_000);
    const copies = new Map<string, number>();
    for (const r of log) copies.set(r.value, (copies.get(r.value) ?? 0) + 1);
    const lost = [...acked].filter((v) => !copies.has(v));
    const duplicated = [...copies].filter(([, n]) => n > 1).map(([v]) => v);
    const reordered = orderViolations(log.map((r) => r.value));
    process.stdout.write(
      `  ${backend}: ${acked.size} acknowledged, ${failed.size} failed, ${log.length} on the log, ` +
        `${duplicated.length} written twice (${duplicated.slice(0, 5).join(' ')}), ${reordered} out of key order\n`,
    );
    expect({ acknowledged: acked.size, lost: lost.length, duplicated: duplicated.length }).toEqual({
      acknowledged: TOTAL - failed.size,
      lost: 0,
      duplicated: 0,
    });
  }, 240_000);

  /**
   * Freezes one broker, so requests to it hang in flight, then crashes another, so requests to it
   * fail at once; thaws the first 3 s later. KafkaJS's retry of the crashed broker's part then
   * runs while the frozen broker's part is still unanswered.
   */
  async function crashWhileFrozen(victim: BrokerNode, frozen: BrokerNode): Promise<string> {
    const thaw = freezeBroker(frozen);
    try {
      await new Promise((r) => setTimeout(r, 200));
      const exit = await killBroker(victim, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 3000));
      return exit;
    } finally {
      thaw();
    }
  }

  async function otherLeader(cluster: KafkaClusterSpec, topic: string, not: number): Promise<BrokerNode> {
    for (let p = 1; ; p++) {
      const node = await leaderOf(cluster, topic, p);
      if (node.nodeId !== not) return node;
    }
  }

  /** Records of one key (`s<sender>-k<seq mod 5>`) found after a later one of that key. */
  function orderViolations(values: readonly string[]): number {
    const last = new Map<string, number>();
    let violations = 0;
    for (const v of values) {
      const [sender, seqText] = v.split('-');
      const seq = Number(seqText);
      const key = `${sender}-k${seq % 5}`;
      if ((last.get(key) ?? -1) > seq) violations++;
      last.set(key, Math.max(last.get(key) ?? -1, seq));
    }
    return violations;
  }
});
