import type { RebalancePlanView } from '../http/api-schemas';
import { planFinished, planStatus, planSummary, utilisationRows } from './rebalance-view';

const stats = (maxMinusMin: number) => ({ mean: 0.3, maxMinusMin, stddev: maxMinusMin / 2 });
const plan = (over: Partial<RebalancePlanView> = {}): RebalancePlanView => ({
  id: 'p1',
  status: 'executing',
  createdBy: 'sre',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  plan: {
    mode: { kind: 'balance' },
    moves: [],
    waves: [['a', 'b'], ['c']],
    totals: { moves: 3, bytesMoved: 0 },
    utilisation: [
      { cluster: 'alpha', before: 0.51, after: 0.39 },
      { cluster: 'beta', before: 0.09, after: 0.21 },
    ],
    spread: { before: stats(0.42), after: stats(0.18) },
    goalsMet: { spread: true, headroom: true },
    violations: [],
    unplaceable: [],
    stopReason: 'goals-met',
  },
  moves: [
    { topic: 'a', from: 'alpha', to: 'beta', wave: 0, status: 'done', migrationId: 'm1' },
    { topic: 'b', from: 'alpha', to: 'beta', wave: 0, status: 'skipped', reason: 'moved' },
    { topic: 'c', from: 'alpha', to: 'beta', wave: 1, status: 'running', migrationId: 'm3' },
  ],
  ...over,
});

describe('rebalance views', () => {
  it('summarises the goals and the spread before and after', () => {
    expect(planSummary(plan())).toBe(
      'plan p1 (executing, balance): 3 moves in 2 waves; spread 42.0% -> 18.0%; spread met, headroom met; stop: goals-met',
    );
    expect(utilisationRows(plan())).toEqual([
      { cluster: 'alpha', before: '51.0%', after: '39.0%' },
      { cluster: 'beta', before: '9.0%', after: '21.0%' },
    ]);
  });

  it('shows settled moves out of all, the current wave and what is running', () => {
    expect(planStatus(plan())).toEqual({
      title: 'rebalance plan p1',
      phase: 'executing',
      phaseTone: 'normal',
      bars: [{ label: 'moves settled', done: 2, total: 3 }],
      fields: [
        { key: 'wave', value: '2/2' },
        { key: 'running', value: 'c alpha->beta' },
        { key: 'skipped', value: '1', tone: 'warn' },
      ],
    });
  });

  it('is finished once done or cancelled only', () => {
    expect(planFinished(plan({ status: 'done' }))).toBe(true);
    expect(planFinished(plan({ status: 'cancelled' }))).toBe(true);
    expect(planFinished(plan({ status: 'cancelling' }))).toBe(false);
    expect(planFinished(plan({ status: 'paused' }))).toBe(false);
  });
});
