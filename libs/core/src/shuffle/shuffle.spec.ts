import { groupDrained, producersPending, stableEnd, stragglers } from './drain-decisions';
import {
  IllegalTransitionError,
  LEGAL_TRANSITIONS,
  MIGRATION_PHASES,
  canAbort,
  phaseDurations,
  startMigration,
  transition,
  type MigrationPhase,
} from './migration-phases';

describe('migration state machine', () => {
  const happyPath: MigrationPhase[] = ['switch-producers', 'fence', 'drain-consumers', 'complete', 'done'];

  it('walks the happy path and records when each phase was entered', () => {
    let state = startMigration(1000);
    happyPath.forEach((phase, i) => (state = transition(state, phase, 2000 + i * 1000)));
    expect(state.phase).toBe('done');
    expect(state.history.map((h) => h.phase)).toEqual(['prepare', ...happyPath]);
    expect(phaseDurations(state, 99_999)).toEqual({
      prepare: 1000,
      'switch-producers': 1000,
      fence: 1000,
      'drain-consumers': 1000,
      complete: 1000,
      done: 0,
    });
  });

  it('rejects every transition the table does not list, leaving the state as it was', () => {
    for (const from of MIGRATION_PHASES) {
      for (const to of MIGRATION_PHASES) {
        if (LEGAL_TRANSITIONS[from].includes(to)) continue;
        const state = { phase: from, history: [{ phase: from, enteredAt: 0 }] };
        expect(() => transition(state, to, 1)).toThrow(IllegalTransitionError);
        expect(state.phase).toBe(from);
      }
    }
  });

  it('allows abort only before any producer moved', () => {
    const prepared = startMigration(0);
    expect(canAbort(prepared)).toBe(true);
    const switching = transition(prepared, 'switch-producers', 1);
    expect(canAbort(switching)).toBe(false);
    expect(() => transition(switching, 'aborted', 2)).toThrow(/cannot move to "aborted"/);
  });

  it('lets every active phase fail, and no terminal phase move on', () => {
    for (const phase of ['prepare', 'switch-producers', 'fence', 'drain-consumers', 'complete'] as const) {
      expect(LEGAL_TRANSITIONS[phase]).toContain('failed');
    }
    for (const phase of ['done', 'aborted', 'failed'] as const) expect(LEGAL_TRANSITIONS[phase]).toEqual([]);
  });
});

describe('drain decisions', () => {
  const now = 10_000;
  it('waits for live producers behind the target epoch; expired leases count as gone', () => {
    const pending = producersPending(
      [
        { instanceId: 'a', expiresAt: now + 5000, appliedEpoch: 2, produces: true },
        { instanceId: 'b', expiresAt: now + 5000, appliedEpoch: 1, produces: true },
        { instanceId: 'c', expiresAt: now - 1, appliedEpoch: 1, produces: true },
        { instanceId: 'd', expiresAt: now + 5000, appliedEpoch: 1, produces: false },
        { instanceId: 'e', expiresAt: now + 5000, produces: true },
      ],
      2,
      now,
    );
    expect(pending).toEqual(['b', 'e']);
  });

  it('moves a group only when its commits reached the fence on every partition', () => {
    const fence = { 0: '100', 1: '0', 2: '9007199254740993' };
    expect(groupDrained({ 0: '100', 2: '9007199254740993' }, fence)).toBe(true);
    expect(groupDrained({ 0: '99', 2: '9007199254740993' }, fence)).toBe(false);
    expect(groupDrained({ 0: '100', 2: '9007199254740992' }, fence)).toBe(false);
    expect(groupDrained({ 0: '100' }, fence)).toBe(false);
  });

  it('bounds a transactional partition by its last record a consumer gets, not by its markers', () => {
    // offsets 0-9 committed data, 10 its commit marker, 11-14 aborted data, 15 the abort marker
    expect(stableEnd('16', 9n)).toBe('10');
    expect(stableEnd('10', 9n)).toBe('10'); // plain topic: the end offset itself
    expect(stableEnd('9007199254740994', 9007199254740992n)).toBe('9007199254740993');
    expect(stableEnd('5', undefined)).toBe('0'); // only aborted records: nothing to drain
    // A group that read everything committed stops somewhere in [10, 16]: drained either way.
    expect(groupDrained({ 0: '10' }, { 0: stableEnd('16', 9n) })).toBe(true);
    expect(groupDrained({ 0: '9' }, { 0: stableEnd('16', 9n) })).toBe(false);
  });

  it('finds records written after the fence by a zombie producer', () => {
    expect(stragglers({ 0: '100', 1: '50' }, { 0: '100', 1: '53', 2: '1' })).toEqual([
      { partition: 1, from: '50', to: '53' },
      { partition: 2, from: '0', to: '1' },
    ]);
  });
});
