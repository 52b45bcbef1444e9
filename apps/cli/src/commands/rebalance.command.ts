import type { RebalancePlanRequestInput } from '@kafka-fleet/contracts';
import { KafkaFleetError } from '@kafka-fleet/core';
import { UsageError } from '../errors/cli-errors';
import { EXIT } from '../errors/exit-codes';
import type { CommandContext, CommandSpec, CommandModule } from '../framework/command';
import type { ParsedArgs } from '../framework/parsed-args';
import type { RebalancePlanView } from '../http/api-schemas';
import { follow } from '../progress/follow-loop';
import { createStatusWriter } from '../progress/live-status-writer';
import { renderTable } from '../output/table-renderer';
import { planFinished, planStatus, planSummary, utilisationRows } from './rebalance-view';

const POLL_INTERVAL_MS = 1000;
type Action = 'approve' | 'execute' | 'pause' | 'resume' | 'cancel';

/** Moves and utilisation as tables: what `plan` and `show` print. */
function renderPlan(ctx: CommandContext, p: RebalancePlanView): string[] {
  const style = ctx.out.style;
  return [
    planSummary(p),
    '',
    ...renderTable(
      [
        { header: 'wave', value: (m) => String(m.wave + 1), align: 'right' },
        { header: 'topic', value: (m) => m.topic },
        { header: 'from', value: (m) => m.from },
        { header: 'to', value: (m) => m.to },
        { header: 'status', value: (m) => m.status },
        { header: 'shuffle', value: (m) => m.migrationId ?? '-' },
        { header: 'reason', value: (m) => m.reason ?? '' },
      ],
      p.moves,
      style,
      'no moves: the fleet already meets the goals',
    ),
    '',
    ...renderTable(
      [
        { header: 'cluster', value: (u) => u.cluster },
        { header: 'before', value: (u) => u.before, align: 'right' },
        { header: 'after', value: (u) => u.after, align: 'right' },
      ],
      utilisationRows(p),
      style,
    ),
    ...p.plan.unplaceable.map((u) => style.yellow(`cannot move ${u.topic} off ${u.cluster}: ${u.reason}`)),
  ];
}

/** A float flag (node:util has none): rejected as a usage error before any request. */
function fraction(args: ParsedArgs, name: string): number | undefined {
  const raw = args.string(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new UsageError(`--${name} must be a number between 0 and 1 (got "${raw}")`, ['rebalance', 'plan']);
  return value;
}

async function followPlan(ctx: CommandContext, id: string) {
  const sink = ctx.out.json ? ctx.out.stderr : ctx.out.stdout;
  const outcome = await follow({
    poll: async () => (await ctx.api.getPlan(id)).data,
    view: planStatus,
    isDone: planFinished,
    writer: createStatusWriter(sink, ctx.out.style),
    clock: ctx.clock,
    intervalMs: POLL_INTERVAL_MS,
    signal: ctx.signal,
  });
  if (outcome.kind === 'interrupted') return EXIT.interrupted;
  // Exit 4 like any conflict: the fleet did not let every move through; `show` says which and why.
  if (outcome.kind === 'done' && outcome.state.moves.some((m) => m.status === 'failed'))
    throw new KafkaFleetError(
      'CONFLICT',
      `plan ${id} finished with failed moves (see "fleet rebalance show ${id}")`,
    );
  return undefined;
}

function action(name: Action, summary: string, canFollow = false): CommandSpec {
  return {
    path: ['rebalance', name],
    summary,
    positionals: [{ name: 'id', description: 'plan id' }],
    ...(canFollow
      ? {
          options: {
            follow: { type: 'boolean', description: 'follow the execution until the plan finishes' },
          },
        }
      : {}),
    async run(ctx, args) {
      const id = args.positional('id');
      const { data, raw } = await ctx.api.planAction(id, name);
      ctx.out.result(raw, () => [`plan ${data.id} is ${data.status}`]);
      if (canFollow && args.flag('follow')) return followPlan(ctx, id);
    },
  };
}

export const rebalanceModule: CommandModule = {
  summary: 'Fleet rebalance plans: propose, approve, execute as shuffles',
  commands: [
    {
      path: ['rebalance', 'plan'],
      summary: 'Propose a plan (a dry run: nothing moves until it is approved and executed)',
      options: {
        drain: {
          type: 'string',
          valueName: '<cluster>',
          description: 'empty this cluster instead of balancing',
        },
        tolerance: {
          type: 'string',
          valueName: '<0..1>',
          description: 'allowed distance from the mean utilisation',
        },
        'max-utilisation': {
          type: 'string',
          valueName: '<0..1>',
          description: 'headroom no move may exceed',
        },
        'max-moves': { type: 'int', description: 'at most this many moves' },
        concurrency: { type: 'int', description: 'moves executed at once (the wave size)' },
        seed: { type: 'int', description: 'tie-break seed: same seed and fleet, same plan' },
      },
      examples: [
        'fleet rebalance plan --tolerance 0.05',
        'fleet rebalance plan --drain eu-west-2 --max-moves 50',
      ],
      async run(ctx, args) {
        const goals: NonNullable<RebalancePlanRequestInput['goals']> = {
          ...(fraction(args, 'tolerance') !== undefined ? { tolerance: fraction(args, 'tolerance') } : {}),
          ...(fraction(args, 'max-utilisation') !== undefined
            ? { maxUtilisation: fraction(args, 'max-utilisation') }
            : {}),
          ...(args.int('max-moves') !== undefined ? { maxMoves: args.int('max-moves') } : {}),
          ...(args.int('concurrency') !== undefined ? { maxConcurrentMoves: args.int('concurrency') } : {}),
        };
        const drain = args.string('drain');
        const { data, raw } = await ctx.api.proposePlan({
          goals,
          ...(drain ? { mode: { kind: 'drain', cluster: drain } } : {}),
          ...(args.int('seed') !== undefined ? { seed: args.int('seed') } : {}),
        });
        ctx.out.result(raw, () => [
          ...renderPlan(ctx, data),
          '',
          `approve with "fleet rebalance approve ${data.id}", then "fleet rebalance execute ${data.id} --follow"`,
        ]);
      },
    },
    {
      path: ['rebalance', 'show'],
      summary: 'Show a plan and the progress of its moves',
      positionals: [{ name: 'id', description: 'plan id' }],
      async run(ctx, args) {
        const { data, raw } = await ctx.api.getPlan(args.positional('id'));
        ctx.out.result(raw, () => renderPlan(ctx, data));
      },
    },
    action('approve', 'Approve a proposed plan'),
    action('execute', 'Execute an approved plan, wave by wave, as shuffles', true),
    action('pause', 'Start no new moves (running shuffles finish)'),
    action('resume', 'Resume a paused plan', true),
    action('cancel', 'Cancel a plan (running shuffles finish; no new ones start)', true),
  ],
};
