import type { Topic } from '@kafka-fleet/contracts';
import { ServiceMetrics } from '../metrics/service-metrics';
import type { FleetRepository } from '../storage/fleet.repository';
import type { RedisReplication } from '../storage/redis-replication';
import type { StoredMigration } from '../storage/migration.repository';
import { MigrationWriter, recordEntering, topicMigrationOf } from './migration-writer';

const running = (overrides: Partial<StoredMigration> = {}): StoredMigration => ({
  id: 'm1',
  topic: 'orders',
  source: { clusterId: 'alpha', physicalTopic: 'orders' },
  target: { clusterId: 'beta', physicalTopic: 'orders' },
  phase: 'complete',
  history: [{ phase: 'complete', enteredAt: 1_000 }],
  holdAt: [],
  held: false,
  epochFrom: 1,
  epochTo: 2,
  partitions: 3,
  producersPending: [],
  producersAcknowledged: [],
  groups: [],
  groupsDrained: [],
  startedBy: 'sre',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  rev: 4,
  ...overrides,
});

describe('recordEntering', () => {
  it('drops a step error that was retried away once the next phase is entered', () => {
    const m = running({ lastError: 'Kafka cluster "alpha" failed to read end offsets' });
    const done = recordEntering(m, 'done', {}, 2_000);
    expect(JSON.parse(JSON.stringify(done))).not.toHaveProperty('lastError');
    expect(done).toMatchObject({ phase: 'done', rev: 5, held: false });
    expect(done.history.map((h) => h.phase)).toEqual(['complete', 'done']);
  });

  it('keeps the error a failure writes, and the current one while the phase is unchanged', () => {
    const m = running({ lastError: 'transient' });
    expect(recordEntering(m, 'failed', { lastError: 'target refused' }, 2_000).lastError).toBe(
      'target refused',
    );
    expect(recordEntering(m, 'complete', { groupsDrained: ['g'] }, 2_000).lastError).toBe('transient');
  });
});

describe('MigrationWriter.enter', () => {
  const topicIn = (m: StoredMigration, placedOn: string): Topic =>
    ({
      name: 'orders',
      version: 7,
      placement: { clusterId: placedOn, physicalTopic: 'orders' },
      state: 'migrating',
      migration: topicMigrationOf(m),
    }) as unknown as Topic;

  function writer() {
    const writes: unknown[] = [];
    const repo = { mutate: async (mutation: unknown) => void writes.push(mutation) };
    const noReplicas = { awaitReplicas: async () => undefined } as unknown as RedisReplication;
    return {
      writes,
      writer: new MigrationWriter(repo as unknown as FleetRepository, new ServiceMetrics(), noReplicas),
    };
  }

  it('refuses a shuffle record older than the topic it would replace (abort racing the end of prepare)', async () => {
    const read = running({ phase: 'prepare', history: [{ phase: 'prepare', enteredAt: 1_000 }] });
    // prepare finished between the abort's two reads: the topic is on the target, in switch-producers.
    const afterPrepare = topicIn(
      running({
        phase: 'switch-producers',
        history: [...read.history, { phase: 'switch-producers', enteredAt: 1_500 }],
      }),
      'beta',
    );
    const { writes, writer: w } = writer();
    await expect(w.enter(read, afterPrepare, 'aborted', {}, 'sre')).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(writes).toEqual([]);
  });

  it('writes a change whose shuffle record is the one the topic embeds', async () => {
    const m = running({ phase: 'prepare', history: [{ phase: 'prepare', enteredAt: 1_000 }] });
    const { writes, writer: w } = writer();
    const aborted = await w.enter(m, topicIn(m, 'alpha'), 'aborted', {}, 'sre');
    expect(aborted.phase).toBe('aborted');
    expect(writes).toHaveLength(1);
  });
});
