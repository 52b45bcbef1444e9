import type { MigrationPhaseName } from '@kafka-fleet/contracts';
import type { MigrationView } from '../http/api-schemas';
import type { LiveStatus, StatusField, Tone } from '../progress/live-status';

/** The working phases in order; `done`, `aborted` and `failed` only end a shuffle. */
export const SHUFFLE_STEPS: readonly MigrationPhaseName[] = [
  'prepare',
  'switch-producers',
  'fence',
  'drain-consumers',
  'complete',
];

const ENDINGS: readonly MigrationPhaseName[] = ['done', 'aborted', 'failed'];

/** True once the shuffle can change no more: following it is over. */
export const isSettled = (m: Pick<MigrationView, 'phase'>): boolean => ENDINGS.includes(m.phase);

/**
 * Held and waiting for `resume`. A settled shuffle is never held, even though the service keeps
 * the flag an abort found set: telling an operator to resume an aborted shuffle would mislead.
 */
export const isHeld = (m: Pick<MigrationView, 'phase' | 'held'>): boolean => m.held && !isSettled(m);

/**
 * Working phases finished: a phase counts once the history shows it was left for the next step
 * (or for `done`). A phase left for `failed` or `aborted` did not finish its work.
 */
export function phasesCompleted(m: Pick<MigrationView, 'history'>): number {
  const finished = new Set<MigrationPhaseName>();
  m.history.forEach((entry, i) => {
    const next = m.history[i + 1]?.phase;
    if (!next || !SHUFFLE_STEPS.includes(entry.phase)) return;
    if (SHUFFLE_STEPS.includes(next) || next === 'done') finished.add(entry.phase);
  });
  return finished.size;
}

function phaseTone(m: MigrationView): Tone {
  if (m.phase === 'done') return 'good';
  if (m.phase === 'failed' || m.phase === 'aborted') return 'bad';
  return isHeld(m) || m.lastError ? 'warn' : 'normal';
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

/**
 * Durations of the phases already left, in the order entered. The running phase is left out on
 * purpose: its time grows on every poll, and a log line should only be written when the state
 * changes (its time is in the elapsed figure anyway).
 */
export function finishedPhaseDurations(m: MigrationView): string {
  const durations = m.phaseDurationsMs ?? {};
  const left = m.history.slice(0, -1).map((h) => h.phase);
  return [...new Set(left)]
    .filter((phase) => durations[phase] !== undefined)
    .map((phase) => `${phase} ${seconds(durations[phase] ?? 0)}`)
    .join(', ');
}

/** The shuffle's own age as the service measured it: the sum of its phases' durations. */
export const shuffleElapsedMs = (m: MigrationView): number | undefined =>
  m.phaseDurationsMs
    ? Object.values(m.phaseDurationsMs).reduce<number>((total, ms) => total + (ms ?? 0), 0)
    : undefined;

/**
 * What a shuffle looks like while it runs: its phase (toned: green done, red failed or aborted,
 * yellow held or erroring), how many of the five working phases are finished, producers that
 * acknowledged the new epoch, consumer groups drained past the fence, the straggler sweep.
 */
export function shuffleStatus(m: MigrationView): LiveStatus {
  const producersTotal = m.producersAcknowledged.length + m.producersPending.length;
  const fields: StatusField[] = [
    { key: 'id', value: m.id },
    { key: 'from', value: `${m.source.clusterId}/${m.source.physicalTopic}` },
    { key: 'to', value: `${m.target.clusterId}/${m.target.physicalTopic}` },
  ];
  if (isHeld(m)) fields.push({ key: 'held', value: `before ${m.phase}: resume to go on`, tone: 'warn' });
  if (m.producersPending.length)
    fields.push({ key: 'producers pending', value: m.producersPending.join(', '), tone: 'warn' });
  if (m.lastError)
    fields.push({ key: 'last error', value: m.lastError, tone: m.phase === 'failed' ? 'bad' : 'warn' });
  const durations = finishedPhaseDurations(m);
  if (durations) fields.push({ key: 'phase times', value: durations });
  return {
    title: `shuffle ${m.topic}`,
    phase: isHeld(m) ? `${m.phase} (held)` : m.phase,
    phaseTone: phaseTone(m),
    elapsedMs: shuffleElapsedMs(m),
    bars: [
      { label: 'phases', done: phasesCompleted(m), total: SHUFFLE_STEPS.length },
      { label: 'producers acknowledged', done: m.producersAcknowledged.length, total: producersTotal },
      { label: 'groups drained', done: m.groupsDrained.length, total: m.groups.length },
      // Before `complete` nothing was swept yet: a 0 would claim a check that has not happened.
      ...(m.sweep ? [{ label: 'records swept', done: m.sweep.records }] : []),
    ],
    fields,
  };
}
