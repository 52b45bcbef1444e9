import type { Topic } from '@kafka-fleet/contracts';
import { topicName } from '../config-service/fixtures';
import { killBroker, restartBroker } from '../support/stack-harness';
import { readPhysicalTopic } from '../shuffle/support/physical-reader';
import { FleetFixture } from './fleet-fixture';

const KEYS = 6;
const RECORDS_PER_SEND = 6;
const IN_FLIGHT = 8;
/** Longer than KafkaJS's own retries of a request (8, about 16 s of back-off when connections are refused). */
const DOWN_MS = 40_000;

/**
 * An application that pipelines its sends (several in flight, not awaiting each), as throughput
 * users do, while beta's only broker is down (SIGKILL, restarted 40 s later): longer than KafkaJS's
 * own retries of a request last. Before the fix, a send that failed after those retries was retried behind the
 * sends issued after it, which the backend had gone on to send: read back from the partitions,
 * records of a key were found after later records of that key. Now a failed request is retried
 * at the head of its topic's queue, within one delivery budget, holding back the sends behind it.
 */
describe.each([
  ['kafkajs', 62],
  ['rdkafka', 63],
] as const)('retries keep per-key order while the broker does not answer (%s)', (backend, db) => {
  const fx = new FleetFixture(db, backend);
  const topic = topicName('ordered');
  beforeAll(async () => {
    await fx.setUp();
    await fx.onboard(topic, { partitions: 3, clusterId: 'beta' });
  });
  afterAll(() => fx.tearDown());

  it('writes each key in the order it was sent, once, across the outage', async () => {
    const beta = fx.clusters[1];
    const physical = (await fx.sre()<Topic>('GET', `/v1/topics/${topic}`)).body.placement.physicalTopic;
    const producer = (await fx.fleet({ requestTimeoutMs: 2000 })).producer();
    const next = new Array<number>(KEYS).fill(0);
    const acked = new Set<string>();
    const failed = new Set<string>();
    const failures = new Map<string, number>();
    const inFlight = new Set<Promise<void>>();
    let stop = false;
    let back = false;
    let ackedAfterRestart = 0;
    const sending = (async () => {
      for (let n = 0; !stop; n++) {
        const values = Array.from({ length: RECORDS_PER_SEND }, (_, i) => {
          const key = (n + i) % KEYS;
          return `k${key}:${next[key]++}`;
        });
        const send: Promise<void> = producer
          .send({ topic, messages: values.map((value) => ({ key: value.split(':')[0], value })) })
          .then(
            () => {
              values.forEach((v) => acked.add(v));
              if (back) ackedAfterRestart += values.length;
            },
            (error: { code?: string; message?: string }) => {
              values.forEach((v) => failed.add(v)); // may or may not be written: never counted as lost
              const why = `${error.code}: ${error.message?.slice(0, 80)}`;
              failures.set(why, (failures.get(why) ?? 0) + 1);
            },
          )
          .finally(() => inFlight.delete(send));
        inFlight.add(send);
        while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
        await new Promise((r) => setTimeout(r, 10));
      }
      await Promise.all(inFlight);
    })();

    await new Promise((r) => setTimeout(r, 2000));
    await killBroker(beta.brokers[0], 'SIGKILL');
    try {
      await new Promise((r) => setTimeout(r, DOWN_MS));
    } finally {
      await restartBroker(beta, beta.brokers[0]);
    }
    back = true;
    await new Promise((r) => setTimeout(r, 15_000));
    stop = true;
    await sending;

    const log = (await readPhysicalTopic(beta, physical, 90_000)).sort(
      (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
    );
    const copies = new Map<string, number>();
    for (const r of log) copies.set(r.value, (copies.get(r.value) ?? 0) + 1);
    const lost = [...acked].filter((v) => !copies.has(v)).length;
    const duplicated = [...copies].filter(([, n]) => n > 1).length;
    const reordered = orderViolations(log.map((r) => r.value));
    process.stdout.write(
      `  ${backend}: ${acked.size} acknowledged (${ackedAfterRestart} after the restart), ${failed.size} failed, ` +
        `${log.length} on the log, ${lost} lost, ${duplicated} written twice, ${reordered} out of key order\n` +
        [...failures].map(([why, n]) => `    ${n} send(s) failed with ${why}\n`).join(''),
    );
    expect(ackedAfterRestart).toBeGreaterThan(0);
    expect({ lost, duplicated, reordered }).toEqual({ lost: 0, duplicated: 0, reordered: 0 });
  }, 240_000);
});

/** Records of a key found after a later record of that key (a key's records share one partition). */
function orderViolations(values: readonly string[]): number {
  const last = new Map<string, number>();
  let violations = 0;
  for (const v of values) {
    const [key, seqText] = v.split(':');
    const seq = Number(seqText);
    if ((last.get(key) ?? -1) > seq) violations++;
    last.set(key, Math.max(last.get(key) ?? -1, seq));
  }
  return violations;
}
