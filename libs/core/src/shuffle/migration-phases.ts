import { MIGRATION_PHASE_NAMES, type MigrationPhaseName } from '@kafka-fleet/contracts';
import { KafkaFleetError } from '../errors/kafka-fleet-error';

/**
 * The topic shuffle as an explicit state machine (Nakadi-timeline style, with fencing):
 *
 *   prepare → switch-producers → fence → drain-consumers → complete → done
 *      ↘ aborted (only before any producer moved)        any active phase ↘ failed
 *
 * The table is the single source of truth for what may follow what; the orchestrator persists the
 * phase after every transition so a restarted service resumes exactly where it stopped.
 */
// One list of phases, shared with the wire contract (so the API and the state machine cannot drift).
export const MIGRATION_PHASES = MIGRATION_PHASE_NAMES;
export type MigrationPhase = MigrationPhaseName;

export const LEGAL_TRANSITIONS: Readonly<Record<MigrationPhase, readonly MigrationPhase[]>> = Object.freeze({
  prepare: ['switch-producers', 'aborted', 'failed'],
  'switch-producers': ['fence', 'failed'],
  fence: ['drain-consumers', 'failed'],
  'drain-consumers': ['complete', 'failed'],
  complete: ['done', 'failed'],
  done: [],
  aborted: [],
  failed: [],
});

export const TERMINAL_PHASES: readonly MigrationPhase[] = ['done', 'aborted', 'failed'];

export class IllegalTransitionError extends KafkaFleetError {
  constructor(from: MigrationPhase, to: MigrationPhase) {
    super(
      'CONFLICT',
      `a migration in phase "${from}" cannot move to "${to}" (allowed: ${LEGAL_TRANSITIONS[from].join(', ') || 'none'})`,
      {
        context: { from, to },
      },
    );
  }
}

export interface PhaseRecord {
  readonly phase: MigrationPhase;
  readonly enteredAt: number;
}

export interface MigrationState {
  readonly phase: MigrationPhase;
  /** Every phase entered, with when: phase durations are derived from it. */
  readonly history: readonly PhaseRecord[];
}

export function startMigration(now: number): MigrationState {
  return { phase: 'prepare', history: [{ phase: 'prepare', enteredAt: now }] };
}

/** Moves to `to` if the table allows it; otherwise throws, leaving the state untouched. */
export function transition<S extends MigrationState>(state: S, to: MigrationPhase, now: number): S {
  if (!LEGAL_TRANSITIONS[state.phase].includes(to)) throw new IllegalTransitionError(state.phase, to);
  return { ...state, phase: to, history: [...state.history, { phase: to, enteredAt: now }] };
}

/** Abort is free only while no producer can have moved: the epoch is bumped on leaving `prepare`. */
export function canAbort(state: MigrationState): boolean {
  return LEGAL_TRANSITIONS[state.phase].includes('aborted');
}

/** Milliseconds spent in each phase so far (the current one up to `now`). */
export function phaseDurations(state: MigrationState, now: number): Partial<Record<MigrationPhase, number>> {
  const out: Partial<Record<MigrationPhase, number>> = {};
  state.history.forEach((record, i) => {
    const end =
      state.history[i + 1]?.enteredAt ?? (TERMINAL_PHASES.includes(record.phase) ? record.enteredAt : now);
    out[record.phase] = (out[record.phase] ?? 0) + (end - record.enteredAt);
  });
  return out;
}
