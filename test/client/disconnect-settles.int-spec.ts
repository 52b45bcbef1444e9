import { KafkaFleetError } from '@kafka-fleet/core';
import { topicName } from '../config-service/fixtures';
import { freezeBroker } from '../support/stack-harness';
import { FleetFixture } from './fleet-fixture';

/** Freezes every broker of a cluster (connections stay open, nothing answers); returns the thaw. */
function freezeCluster(fx: FleetFixture, clusterIndex: 0 | 1): () => void {
  const thaws = fx.clusters[clusterIndex].brokers.map((node) => freezeBroker(node));
  return () => thaws.forEach((thaw) => thaw());
}

/**
 * A client closing while its broker does not answer: librdkafka keeps records until its message
 * timeout (minutes), and a `send()` waiting for their delivery reports must not wait for ever once
 * the client is gone. Every send settles: acknowledged, or failed (it may or may not have been
 * written), and none is started on a closed client.
 */
describe('disconnect while a broker is frozen (rdkafka)', () => {
  const fx = new FleetFixture(50, 'rdkafka');
  const frozen = topicName('frozen');
  beforeAll(async () => {
    await fx.setUp();
    const made = await fx.sre()('POST', '/v1/topics', {
      name: frozen,
      owner: 'payments',
      partitions: 2,
      clusterId: 'beta',
    });
    if (made.status !== 201)
      throw new Error(`onboarding failed: ${made.status} ${JSON.stringify(made.body)}`);
    await fx.updateApp((app) => ({
      ...app,
      topics: { ...(app.topics as object), [frozen]: { produce: true, consume: true } },
    }));
  });
  let thaw: (() => void) | undefined;
  afterAll(async () => {
    thaw?.();
    await fx.tearDown();
  });

  it('settles every send it had in flight, and refuses sends after it', async () => {
    const fleet = await fx.fleet();
    const producer = fleet.producer();
    await producer.send({ topic: frozen, messages: [{ key: 'warm', value: 'up' }] });
    thaw = freezeCluster(fx, 1);
    try {
      const outcome = producer
        .send({
          topic: frozen,
          messages: [
            { key: 'a', value: '1' },
            { key: 'b', value: '2' },
          ],
        })
        .then(
          () => 'acknowledged',
          (error: unknown) =>
            error instanceof KafkaFleetError ? `failed: ${error.code}` : `failed: untyped`,
        );
      await new Promise((r) => setTimeout(r, 1_000));
      const closing = fleet.disconnect();
      const settled = await Promise.race([
        outcome,
        new Promise<string>((r) => setTimeout(() => r('still waiting after 30 s'), 30_000)),
      ]);
      expect(settled).toBe('failed: BACKEND_ERROR');
      await closing;
      await expect(
        producer.send({ topic: frozen, messages: [{ key: 'c', value: '3' }] }),
      ).rejects.toBeInstanceOf(KafkaFleetError);
    } finally {
      thaw();
    }
  }, 120_000);
});
