import type { PlanMoveProgress } from '@kafka-fleet/contracts';
import { createSeededRandom, randomInt } from '../random/random-source';
import { stepPlan, type MoveWorld } from './plan-execution';

const NOW = '2026-01-01T00:00:00.000Z';
const move = (topic: string, wave: number, extra: Partial<PlanMoveProgress> = {}): PlanMoveProgress => ({
  topic,
  from: 'a',
  to: 'b',
  wave,
  status: 'pending',
  ...extra,
});
const onSource: MoveWorld = { topic: { clusterId: 'a' } };

describe('stepPlan', () => {
  it('starts the first wave only, within maxConcurrentMoves', () => {
    const moves = [move('t1', 0), move('t2', 0), move('t3', 0), move('t4', 1)];
    const step = stepPlan({ status: 'executing', moves, maxConcurrentMoves: 2 }, () => onSource, NOW);
    expect(step.start).toEqual([0, 1]);
    expect(step.moves.map((m) => m.status)).toEqual(['running', 'running', 'pending', 'pending']);
    expect(step.status).toBe('executing');
  });

  it('starts the next wave only once the earlier one has no pending or running move', () => {
    const moves = [move('t1', 0, { status: 'running', migrationId: 'm1' }), move('t2', 1)];
    const running = stepPlan(
      { status: 'executing', moves, maxConcurrentMoves: 4 },
      (m) => (m.topic === 't1' ? { topic: { clusterId: 'a' }, migration: { phase: 'fence' } } : onSource),
      NOW,
    );
    expect(running.start).toEqual([]);
    expect(running.changed).toBe(false);
    const finished = stepPlan(
      { status: 'executing', moves, maxConcurrentMoves: 4 },
      (m) => (m.topic === 't1' ? { topic: { clusterId: 'b' }, migration: { phase: 'done' } } : onSource),
      NOW,
    );
    expect(finished.moves.map((m) => m.status)).toEqual(['done', 'running']);
    expect(finished.start).toEqual([1]);
  });

  it('skips stale moves with the reason instead of moving blindly', () => {
    const moves = [move('gone', 0), move('moved', 0), move('busy', 0), move('ok', 0)];
    const world: Record<string, MoveWorld> = {
      gone: {},
      moved: { topic: { clusterId: 'c' } },
      busy: { topic: { clusterId: 'a', migration: { id: 'x9', targetClusterId: 'c' } } },
      ok: onSource,
    };
    const step = stepPlan({ status: 'executing', moves, maxConcurrentMoves: 4 }, (m) => world[m.topic], NOW);
    expect(step.moves.map((m) => [m.status, m.reason])).toEqual([
      ['skipped', 'the topic no longer exists'],
      ['skipped', 'the topic is on "c" now; the plan moved it from "a"'],
      ['skipped', 'the topic is being shuffled by x9'],
      ['running', undefined],
    ]);
    expect(step.start).toEqual([3]);
    expect(step.events.filter((e) => e.action === 'move-skipped')).toHaveLength(3);
  });

  it('marks a move failed when its shuffle failed or was aborted, and finishes the plan', () => {
    const moves = [
      move('t1', 0, { status: 'running', migrationId: 'm1' }),
      move('t2', 0, { status: 'running', migrationId: 'm2' }),
    ];
    const step = stepPlan(
      { status: 'executing', moves, maxConcurrentMoves: 4 },
      (m) => ({ migration: { phase: m.topic === 't1' ? 'failed' : 'aborted', lastError: 'boom' } }),
      NOW,
    );
    expect(step.moves.map((m) => [m.status, m.reason])).toEqual([
      ['failed', 'shuffle failed: boom'],
      ['failed', 'shuffle aborted: boom'],
    ]);
    expect(step.status).toBe('done');
    expect(step.events.at(-1)).toEqual({
      action: 'plan-finished',
      detail: { status: 'done', done: 0, failed: 2, skipped: 0 },
    });
  });

  it('recovers a move marked running whose shuffle id was never stored', () => {
    const moves = [
      move('adopt', 0, { status: 'running' }),
      move('arrived', 0, { status: 'running' }),
      move('again', 0, { status: 'running' }),
    ];
    const world: Record<string, MoveWorld> = {
      adopt: { topic: { clusterId: 'a', migration: { id: 'm7', targetClusterId: 'b' } } },
      arrived: { topic: { clusterId: 'b' } },
      again: onSource,
    };
    const step = stepPlan({ status: 'executing', moves, maxConcurrentMoves: 4 }, (m) => world[m.topic], NOW);
    expect(step.moves.map((m) => [m.status, m.migrationId])).toEqual([
      ['running', 'm7'],
      ['done', undefined],
      ['running', undefined],
    ]);
    expect(step.start).toEqual([2]);
  });

  it('starts nothing while paused, and cancelling lets running moves finish then skips the rest', () => {
    const moves = [move('t1', 0, { status: 'running', migrationId: 'm1' }), move('t2', 0), move('t3', 1)];
    const busy = (m: PlanMoveProgress): MoveWorld =>
      m.migrationId ? { migration: { phase: 'drain-consumers' } } : onSource;
    expect(stepPlan({ status: 'paused', moves, maxConcurrentMoves: 4 }, busy, NOW).start).toEqual([]);
    const cancelling = stepPlan({ status: 'cancelling', moves, maxConcurrentMoves: 4 }, busy, NOW);
    expect(cancelling.status).toBe('cancelling');
    expect(cancelling.start).toEqual([]);
    const cancelled = stepPlan(
      { status: 'cancelling', moves, maxConcurrentMoves: 4 },
      (m) => (m.migrationId ? { migration: { phase: 'done' } } : onSource),
      NOW,
    );
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.moves.map((m) => [m.status, m.reason])).toEqual([
      ['done', undefined],
      ['skipped', 'plan cancelled'],
      ['skipped', 'plan cancelled'],
    ]);
  });

  it('leaves proposed and approved plans alone', () => {
    for (const status of ['proposed', 'approved'] as const) {
      const step = stepPlan({ status, moves: [move('t', 0)], maxConcurrentMoves: 1 }, () => onSource, NOW);
      expect(step).toMatchObject({ status, start: [], changed: false });
    }
  });

  it('never runs more than maxConcurrentMoves nor two waves at once, on random executions', () => {
    const rng = createSeededRandom(11);
    for (let round = 0; round < 30; round++) {
      const max = 1 + randomInt(rng, 4);
      let moves = Array.from({ length: 12 }, (_, i) => move(`t${i}`, Math.floor(i / max)));
      let status = stepPlan({ status: 'executing', moves, maxConcurrentMoves: max }, () => onSource, NOW);
      let guard = 0;
      while (status.status === 'executing' && guard++ < 100) {
        const running = status.moves.filter((m) => m.status === 'running');
        expect(running.length).toBeLessThanOrEqual(max);
        expect(new Set(running.map((m) => m.wave)).size).toBeLessThanOrEqual(1);
        moves = status.moves.map((m, i) => (status.start.includes(i) ? { ...m, migrationId: `m${i}` } : m));
        // Each running shuffle finishes with probability one half per step.
        const phases = new Map(
          moves.map((m) => [m.topic, randomInt(rng, 2) === 0 ? 'done' : 'fence'] as const),
        );
        status = stepPlan(
          { status: 'executing', moves, maxConcurrentMoves: max },
          (m) => (m.migrationId ? { migration: { phase: phases.get(m.topic) ?? 'fence' } } : onSource),
          NOW,
        );
      }
      expect(status.status).toBe('done');
      expect(status.moves.every((m) => m.status === 'done')).toBe(true);
    }
  });
});
