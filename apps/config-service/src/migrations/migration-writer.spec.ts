import type { StoredMigration } from '../storage/migration.repository';
import { recordEntering } from './migration-writer';

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
