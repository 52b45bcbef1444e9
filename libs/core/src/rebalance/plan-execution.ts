import type { MigrationPhaseName, PlanMoveProgress, PlanStatus } from '@kafka-fleet/contracts';

/** What the executor observed about one move's topic and shuffle just before deciding. */
export interface MoveWorld {
  /** Where the topic is now; absent when it no longer exists. */
  readonly topic?: {
    readonly clusterId: string;
    /** The topic's running shuffle, if any. */
    readonly migration?: { readonly id: string; readonly targetClusterId: string };
  };
  /** The move's own shuffle (when it has a migration id); absent when its record is gone. */
  readonly migration?: { readonly phase: MigrationPhaseName; readonly lastError?: string };
}

export interface PlanStepInput {
  readonly status: PlanStatus;
  readonly moves: readonly PlanMoveProgress[];
  readonly maxConcurrentMoves: number;
}

export interface PlanEvent {
  readonly action: 'move-start' | 'move-done' | 'move-failed' | 'move-skipped' | 'plan-finished';
  readonly topic?: string;
  readonly detail: Record<string, string | number>;
}

export interface PlanStep {
  readonly status: PlanStatus;
  readonly moves: PlanMoveProgress[];
  /** Indices of moves the executor must start now (already marked running, without migration id). */
  readonly start: number[];
  readonly events: PlanEvent[];
  readonly changed: boolean;
}

const ACTIVE: readonly PlanStatus[] = ['executing', 'paused', 'cancelling'];
const ENDED_BADLY: readonly MigrationPhaseName[] = ['aborted', 'failed'];

/**
 * One step of a plan's execution, decided from stored progress and what the fleet looks like now.
 *
 * - Running moves follow their shuffle: done when it is done, failed when it failed or was aborted.
 *   A move marked running without a migration id (the service stopped between marking and
 *   starting it) adopts the topic's shuffle towards its target, counts as done when the topic is
 *   already there, and is started again when the topic still sits untouched on its source.
 * - While executing, pending moves of the earliest unfinished wave start, never more than
 *   `maxConcurrentMoves` running at once. Each one is checked first: a plan is a proposal about a
 *   past state of the fleet, so a topic that was deleted, moved elsewhere or is being shuffled by
 *   someone else is skipped with the reason rather than moved blindly.
 * - Paused starts nothing; cancelling starts nothing, skips the pending moves and ends `cancelled`
 *   once the running ones finished; executing ends `done` when no move is pending or running.
 */
export function stepPlan(
  plan: PlanStepInput,
  world: (move: PlanMoveProgress) => MoveWorld,
  now: string,
): PlanStep {
  if (!ACTIVE.includes(plan.status))
    return { status: plan.status, moves: [...plan.moves], start: [], events: [], changed: false };
  const moves = [...plan.moves];
  const events: PlanEvent[] = [];
  const start: number[] = [];
  let changed = false;
  const set = (i: number, next: PlanMoveProgress, event?: PlanEvent) => {
    moves[i] = next;
    changed = true;
    if (event) events.push(event);
  };
  const finish = (i: number, status: 'done' | 'failed' | 'skipped', reason?: string) => {
    const m = moves[i];
    set(
      i,
      { ...m, status, ...(reason ? { reason } : {}), finishedAt: now },
      {
        action: status === 'done' ? 'move-done' : status === 'failed' ? 'move-failed' : 'move-skipped',
        topic: m.topic,
        detail: { from: m.from, to: m.to, ...(reason ? { reason } : {}), ...ids(m) },
      },
    );
  };

  moves.forEach((m, i) => {
    if (m.status !== 'running') return;
    const w = world(m);
    if (m.migrationId === undefined) {
      const theirs = w.topic?.migration;
      if (theirs && theirs.targetClusterId === m.to) set(i, { ...m, migrationId: theirs.id });
      else if (w.topic?.clusterId === m.to && !theirs) finish(i, 'done');
      else if (w.topic?.clusterId === m.from && !theirs) start.push(i);
      else finish(i, 'failed', 'lost track of the shuffle while the service restarted');
      return;
    }
    if (!w.migration) finish(i, 'failed', `shuffle ${m.migrationId} no longer exists`);
    else if (w.migration.phase === 'done') finish(i, 'done');
    else if (ENDED_BADLY.includes(w.migration.phase))
      finish(
        i,
        'failed',
        `shuffle ${w.migration.phase}${w.migration.lastError ? `: ${w.migration.lastError}` : ''}`,
      );
  });

  if (plan.status === 'executing') {
    const open = moves.filter((m) => m.status === 'pending' || m.status === 'running');
    const wave = open.length > 0 ? Math.min(...open.map((m) => m.wave)) : -1;
    let running = moves.filter((m) => m.status === 'running').length;
    moves.forEach((m, i) => {
      if (m.status !== 'pending' || m.wave !== wave || running >= plan.maxConcurrentMoves) return;
      const stale = staleness(m, world(m));
      if (stale) return finish(i, 'skipped', stale);
      set(i, { ...m, status: 'running', startedAt: now });
      start.push(i);
      running++;
    });
  }

  let status = plan.status;
  const running = moves.some((m) => m.status === 'running');
  if (plan.status === 'cancelling' && !running) {
    moves.forEach((m, i) => m.status === 'pending' && finish(i, 'skipped', 'plan cancelled'));
    status = 'cancelled';
  } else if (plan.status === 'executing' && !running && !moves.some((m) => m.status === 'pending')) {
    status = 'done';
  }
  if (status !== plan.status) {
    changed = true;
    const count = (s: string) => moves.filter((m) => m.status === s).length;
    events.push({
      action: 'plan-finished',
      detail: { status, done: count('done'), failed: count('failed'), skipped: count('skipped') },
    });
  }
  return { status, moves, start, events, changed };
}

/** Why a pending move must not start on today's fleet, or undefined when it still makes sense. */
function staleness(m: PlanMoveProgress, w: MoveWorld): string | undefined {
  if (!w.topic) return 'the topic no longer exists';
  if (w.topic.migration) return `the topic is being shuffled by ${w.topic.migration.id}`;
  if (w.topic.clusterId !== m.from)
    return `the topic is on "${w.topic.clusterId}" now; the plan moved it from "${m.from}"`;
  return undefined;
}

function ids(m: PlanMoveProgress): Record<string, string> {
  return m.migrationId ? { migration: m.migrationId } : {};
}
