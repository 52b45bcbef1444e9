import type { MigrationPhaseName } from '@kafka-fleet/contracts';
import { EXIT } from '../errors/exit-codes';
import type { MigrationView } from '../http/api-schemas';
import { createStyle } from '../output/style';
import { renderStatusLine } from '../progress/live-status';
import { auditLine } from './audit.command';
import { settledExitCode } from './shuffle-follow';
import { finishedPhaseDurations, isSettled, phasesCompleted, shuffleStatus } from './shuffle-status';

const T0 = 1_800_000_000_000;

/** A shuffle that went through `phases`, one second each (times are data, not a clock). */
function shuffle(phases: MigrationPhaseName[], extra: Partial<MigrationView> = {}): MigrationView {
  const durations: Partial<Record<MigrationPhaseName, number>> = {};
  phases.forEach((p, i) => (durations[p] = i === phases.length - 1 ? 250 : 1000));
  return {
    id: 'm1',
    topic: 'payments.orders',
    source: { clusterId: 'alpha', physicalTopic: 'payments.orders' },
    target: { clusterId: 'beta', physicalTopic: 'payments.orders' },
    phase: phases[phases.length - 1],
    history: phases.map((phase, i) => ({ phase, enteredAt: T0 + i * 1000 })),
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
    createdAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
    phaseDurationsMs: durations,
    ...extra,
  };
}

const ALL: MigrationPhaseName[] = [
  'prepare',
  'switch-producers',
  'fence',
  'drain-consumers',
  'complete',
  'done',
];

describe('shuffle live status', () => {
  it('counts the working phases left for the next one', () => {
    expect(phasesCompleted(shuffle(['prepare']))).toBe(0);
    expect(phasesCompleted(shuffle(ALL.slice(0, 4)))).toBe(3);
    expect(phasesCompleted(shuffle(ALL))).toBe(5);
    // A phase left for failed or aborted did not finish its work.
    expect(phasesCompleted(shuffle(['prepare', 'switch-producers', 'failed']))).toBe(1);
    expect(phasesCompleted(shuffle(['prepare', 'aborted']))).toBe(0);
  });

  it('shows producers acknowledged of all known, groups drained, and no sweep before it ran', () => {
    const status = shuffleStatus(
      shuffle(ALL.slice(0, 4), {
        producersAcknowledged: ['i-1', 'i-2'],
        producersPending: ['i-3'],
        groups: ['g1', 'g2'],
        groupsDrained: ['g1'],
      }),
    );
    expect(status.phase).toBe('drain-consumers');
    expect(status.phaseTone).toBe('normal');
    expect(status.bars).toEqual([
      { label: 'phases', done: 3, total: 5 },
      { label: 'producers acknowledged', done: 2, total: 3 },
      { label: 'groups drained', done: 1, total: 2 },
    ]);
    expect(status.fields).toContainEqual({ key: 'producers pending', value: 'i-3', tone: 'warn' });
    expect(status.elapsedMs).toBe(3250);
  });

  it('is one greppable line whose state part changes only when the shuffle moves on', () => {
    const done = shuffle(ALL, {
      producersAcknowledged: ['i-1'],
      groups: ['g1'],
      groupsDrained: ['g1'],
      sweep: { records: 0, partitions: [] },
    });
    expect(renderStatusLine(shuffleStatus(done))).toBe(
      'shuffle payments.orders phase=done phases=5/5 producers_acknowledged=1/1 groups_drained=1/1 ' +
        'records_swept=0 id=m1 from=alpha/payments.orders to=beta/payments.orders ' +
        'phase_times="prepare 1.0s, switch-producers 1.0s, fence 1.0s, drain-consumers 1.0s, complete 1.0s" ' +
        'elapsed=5.3s',
    );
    expect(shuffleStatus(done).phaseTone).toBe('good');
    // The running phase's own time is left out: it grows on every poll.
    expect(finishedPhaseDurations(shuffle(['prepare', 'switch-producers']))).toBe('prepare 1.0s');
  });

  it('flags holds and errors, and tones failures red', () => {
    const held = shuffleStatus(shuffle(['prepare', 'switch-producers'], { held: true }));
    expect(held.phase).toBe('switch-producers (held)');
    expect(held.phaseTone).toBe('warn');
    expect(held.fields).toContainEqual({
      key: 'held',
      value: 'before switch-producers: resume to go on',
      tone: 'warn',
    });
    const failed = shuffleStatus(shuffle(['prepare', 'failed'], { lastError: 'target cluster unreachable' }));
    expect(failed.phaseTone).toBe('bad');
    expect(failed.fields).toContainEqual({
      key: 'last error',
      value: 'target cluster unreachable',
      tone: 'bad',
    });
    const retrying = shuffleStatus(shuffle(['prepare'], { lastError: 'no leader' }));
    expect([retrying.phaseTone, retrying.fields.at(-1)?.tone]).toEqual(['warn', 'warn']);
    // Aborted while held: the service keeps the flag, but there is nothing left to resume.
    const aborted = shuffleStatus(shuffle(['prepare', 'aborted'], { held: true, holdAt: ['prepare'] }));
    expect([aborted.phase, aborted.phaseTone]).toEqual(['aborted', 'bad']);
    expect(aborted.fields.map((f) => f.key)).not.toContain('held');
  });

  it('settles on done, failed and aborted only; only done exits 0', () => {
    expect(ALL.map((p) => isSettled({ phase: p }))).toEqual([false, false, false, false, false, true]);
    expect(isSettled({ phase: 'failed' }) && isSettled({ phase: 'aborted' })).toBe(true);
    expect(settledExitCode({ phase: 'done' })).toBe(EXIT.ok);
    expect(settledExitCode({ phase: 'failed' })).toBe(EXIT.operationFailed);
    expect(settledExitCode({ phase: 'aborted' })).toBe(EXIT.operationFailed);
  });
});

describe('audit line', () => {
  const entry = {
    id: '1-0',
    at: '2026-01-01T00:00:00.000Z',
    actor: 'orchestrator',
    action: 'update',
    kind: 'topic',
    entity: 'payments.orders',
    version: 7,
  };
  const out = { out: { style: createStyle(false) } } as Parameters<typeof auditLine>[1];

  it('names the shuffle phase a topic update entered, and nothing for other updates', () => {
    expect(
      auditLine({ ...entry, detail: { migration: 'm1', phase: 'fence', from: 'switch-producers' } }, out),
    ).toBe('2026-01-01T00:00:00.000Z  orchestrator  update  topic    payments.orders v7  shuffle m1 → fence');
    expect(auditLine({ ...entry, detail: { epoch: 3 } }, out)).toBe(
      '2026-01-01T00:00:00.000Z  orchestrator  update  topic    payments.orders v7',
    );
  });
});
