import type { RebalancePlanView } from '../http/api-schemas';
import type { LiveStatus, Tone } from '../progress/live-status';

const FINISHED = new Set(['done', 'cancelled']);

export const planFinished = (p: RebalancePlanView): boolean => FINISHED.has(p.status);

const pct = (u: number) => `${(u * 100).toFixed(1)}%`;

/** Per-cluster utilisation before and after the plan, as table rows. */
export function utilisationRows(
  p: RebalancePlanView,
): Array<{ cluster: string; before: string; after: string }> {
  return p.plan.utilisation.map((u) => ({ cluster: u.cluster, before: pct(u.before), after: pct(u.after) }));
}

/** One line summing up the plan's goals: what an SRE checks before approving. */
export function planSummary(p: RebalancePlanView): string {
  const goals = p.plan.goalsMet;
  const met = [
    `spread ${goals.spread ? 'met' : 'NOT met'}`,
    `headroom ${goals.headroom ? 'met' : 'NOT met'}`,
    ...(goals.drained === undefined ? [] : [`drained ${goals.drained ? 'yes' : 'NO'}`]),
  ].join(', ');
  return (
    `plan ${p.id} (${p.status}, ${p.plan.mode.kind === 'drain' ? `drain ${p.plan.mode.cluster}` : 'balance'}): ` +
    `${p.plan.totals.moves} moves in ${p.plan.waves.length} waves; spread ` +
    `${pct(p.plan.spread.before.maxMinusMin)} -> ${pct(p.plan.spread.after.maxMinusMin)}; ${met}; stop: ${p.plan.stopReason}`
  );
}

/** The live view of an executing plan: moves done out of all, the current wave, what runs and failed. */
export function planStatus(p: RebalancePlanView): LiveStatus {
  const count = (s: string) => p.moves.filter((m) => m.status === s).length;
  const settled = count('done') + count('failed') + count('skipped');
  const running = p.moves.filter((m) => m.status === 'running');
  const wave = running[0]?.wave ?? p.moves.find((m) => m.status === 'pending')?.wave;
  const tone: Tone =
    p.status === 'done' ? (count('failed') > 0 ? 'warn' : 'good') : p.status === 'paused' ? 'warn' : 'normal';
  return {
    title: `rebalance plan ${p.id}`,
    phase: p.status,
    phaseTone: tone,
    bars: [{ label: 'moves settled', done: settled, total: p.moves.length }],
    fields: [
      ...(wave !== undefined ? [{ key: 'wave', value: `${wave + 1}/${p.plan.waves.length}` }] : []),
      ...(running.length
        ? [{ key: 'running', value: running.map((m) => `${m.topic} ${m.from}->${m.to}`).join(', ') }]
        : []),
      ...(count('failed') ? [{ key: 'failed', value: String(count('failed')), tone: 'bad' as const }] : []),
      ...(count('skipped')
        ? [{ key: 'skipped', value: String(count('skipped')), tone: 'warn' as const }]
        : []),
    ],
  };
}
