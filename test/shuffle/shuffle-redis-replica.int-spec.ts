import { ConfigResourceTypes } from 'kafkajs';
import { adminFor } from '../support/stack-harness';
import { RedisReplica } from './support/redis-replica';
import { ShuffleFixture } from './support/shuffle-fixture';

/**
 * Redis replicates asynchronously: a phase change the primary took can be lost in a failover, and
 * a shuffle that went on from it (fenced the source, moved groups) would be sent back behind what
 * it did. With KF_REDIS_WAIT_REPLICAS a step starts only from a state the replicas hold.
 */
describe('a shuffle on a Redis primary whose replica stops acknowledging', () => {
  const fx = new ShuffleFixture(45, { KF_REDIS_WAIT_REPLICAS: '1', KF_REDIS_WAIT_TIMEOUT_MS: '200' });
  let replica: RedisReplica;
  beforeAll(async () => {
    replica = await RedisReplica.start(16391);
    await fx.setUp(2);
  });
  afterAll(async () => {
    await fx.tearDown();
    await replica.stop();
  });

  it('takes no step until the replica holds the state it starts from, then finishes', async () => {
    const started = await fx.startShuffle('beta', ['fence']);
    const held = await fx.waitFor(started.id, 'fence', { held: true });
    replica.pause();
    await fx.resume(started.id);
    await new Promise((r) => setTimeout(r, 3_000));
    const waiting = await fx.migration(started.id);
    expect({ phase: waiting.phase, lastError: waiting.lastError }).toEqual({
      phase: 'fence',
      lastError: expect.stringMatching(/reached 0 of 1 Redis replica/),
    });
    // No side effect either: the source was not fenced.
    expect(await maxMessageBytes(fx, held.source.physicalTopic)).not.toBe('0');

    replica.resume();
    const done = await fx.waitFor(started.id, 'done', { timeoutMs: 60_000 });
    expect(done.lastError).toBeUndefined();
    expect(await maxMessageBytes(fx, held.source.physicalTopic)).toBe('0');
  }, 180_000);
});

async function maxMessageBytes(fx: ShuffleFixture, topic: string): Promise<string | undefined> {
  const admin = adminFor(fx.clusters[0]);
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
      includeSynonyms: false,
    });
    return resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue;
  } finally {
    await admin.disconnect();
  }
}
