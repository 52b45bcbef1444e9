import { MIGRATION_PHASE_NAMES, type MigrationPhaseName } from '@kafka-fleet/contracts';
import { KafkaFleetError } from '@kafka-fleet/core';
import { UsageError } from '../errors/cli-errors';
import type { CommandContext, CommandModule } from '../framework/command';
import type { ParsedArgs } from '../framework/parsed-args';
import type { MigrationView } from '../http/api-schemas';
import { ago } from '../output/format';
import { renderTable } from '../output/table-renderer';
import { renderStatusFrame } from '../progress/live-status';
import { eraCommands } from './shuffle-eras';
import { followShuffle } from './shuffle-follow';
import { isHeld, shuffleStatus } from './shuffle-status';

const FOLLOW_OPTIONS = {
  follow: { type: 'boolean', short: 'f', description: 'draw live progress until the shuffle settles' },
  'follow-timeout-ms': {
    type: 'int',
    description: 'with --follow: stop following after this long (--timeout-ms is per request)',
  },
} as const;

const topicArg = { name: 'topic', description: 'logical topic name' };
const idArg = { name: 'id', description: 'shuffle id (from "fleet shuffle list")' };

/** `--hold-at` is checked here so a typo is a usage error naming the phases, not a 400. */
function holdAt(args: ParsedArgs): MigrationPhaseName[] {
  return args.strings('hold-at').map((name) => {
    const phase = MIGRATION_PHASE_NAMES.find((p) => p === name);
    if (!phase)
      throw new UsageError(
        `--hold-at: unknown phase "${name}" (phases: ${MIGRATION_PHASE_NAMES.join(', ')})`,
        args.commandPath,
      );
    return phase;
  });
}

function timeout(args: ParsedArgs): number | undefined {
  if (!args.flag('follow') && args.has('follow-timeout-ms'))
    throw new UsageError('--follow-timeout-ms only applies with --follow', args.commandPath);
  return args.int('follow-timeout-ms');
}

/** One shuffle in full: the live-status frame, then when each phase was entered. */
function describeShuffle(m: MigrationView, { out, clock }: CommandContext): string[] {
  const frame = renderStatusFrame(shuffleStatus(m), {
    style: out.style,
    // Only a terminal needs lines cut to its width; a pipe or a log keeps them whole.
    width: out.stdout.isTTY && out.stdout.columns ? out.stdout.columns : 1000,
  });
  const history = renderTable<MigrationView['history'][number]>(
    [
      { header: 'phase', value: (h) => h.phase },
      { header: 'entered', value: (h) => new Date(h.enteredAt).toISOString() },
      {
        header: 'took',
        value: (h) => `${((m.phaseDurationsMs?.[h.phase] ?? 0) / 1000).toFixed(1)}s`,
        align: 'right',
      },
    ],
    m.history,
    out.style,
  );
  return [
    ...frame,
    `  started by ${m.startedBy} ${ago(m.createdAt, clock.now())}, epoch ${m.epochFrom} → ${m.epochTo}`,
    '',
    ...history,
  ];
}

export const shuffleModule: CommandModule = {
  summary: 'Move a live topic to another cluster: nothing lost, duplicated or reordered',
  commands: [
    {
      path: ['shuffle', 'start'],
      summary: 'Start shuffling a topic to another cluster',
      description:
        'Start a shuffle: create the topic on the target, switch producers, fence the source, drain\n' +
        'consumer groups past the fence, sweep stragglers. The service runs it; --follow draws its\n' +
        'progress and exits 0 when it is done, 8 when it failed or was aborted.',
      positionals: [topicArg],
      options: {
        to: { type: 'string', required: true, valueName: '<cluster>', description: 'target cluster' },
        'physical-topic': {
          type: 'string',
          valueName: '<name>',
          description: 'physical topic name on the target (default: the current one, if free there)',
        },
        'hold-at': {
          type: 'strings',
          valueName: '<phase,...>',
          description: 'stop before these phases until "fleet shuffle resume"',
        },
        ...FOLLOW_OPTIONS,
      },
      examples: [
        'fleet shuffle start payments.orders --to beta --follow',
        'fleet shuffle start payments.orders --to beta --hold-at fence',
      ],
      async run(ctx, args) {
        const topic = args.positional('topic');
        const timeoutMs = timeout(args);
        const { data: m, raw } = await ctx.api.startShuffle(topic, {
          targetClusterId: args.requireString('to'),
          targetPhysicalTopic: args.string('physical-topic'),
          holdAt: holdAt(args),
        });
        const started =
          `shuffle ${m.id} of ${topic} started: ${m.source.clusterId}/${m.source.physicalTopic} → ` +
          `${m.target.clusterId}/${m.target.physicalTopic} (epoch ${m.epochFrom} → ${m.epochTo})`;
        if (!args.flag('follow')) return void ctx.out.result(raw, () => [started]);
        // Under --json the settled shuffle is printed at the end: one document on stdout.
        if (!ctx.out.json) ctx.out.lines([started]);
        return followShuffle(ctx, topic, m.id, timeoutMs);
      },
    },
    {
      path: ['shuffle', 'status'],
      summary: 'Show a shuffle (the latest of the topic without an id); --follow until it settles',
      positionals: [topicArg, { ...idArg, required: false }],
      options: FOLLOW_OPTIONS,
      examples: ['fleet shuffle status payments.orders', 'fleet shuffle status payments.orders --follow'],
      async run(ctx, args) {
        const topic = args.positional('topic');
        const timeoutMs = timeout(args);
        const id = args.optionalPositional('id');
        const found = id === undefined ? await latest(ctx, topic) : await ctx.api.getShuffle(topic, id);
        if (args.flag('follow')) return followShuffle(ctx, topic, found.data.id, timeoutMs);
        ctx.out.result(found.raw, () => describeShuffle(found.data, ctx));
      },
    },
    {
      path: ['shuffle', 'list'],
      summary: 'Every shuffle of a topic, newest first',
      positionals: [topicArg],
      async run({ api, out, clock }, args) {
        const { data, raw } = await api.listShuffles(args.positional('topic'));
        out.result(raw, () =>
          renderTable<MigrationView>(
            [
              { header: 'id', value: (m) => m.id },
              {
                header: 'phase',
                value: (m) => (isHeld(m) ? `${m.phase} (held)` : m.phase),
                color: (text, m) =>
                  m.phase === 'done'
                    ? out.style.green(text)
                    : m.phase === 'failed' || m.phase === 'aborted'
                      ? out.style.red(text)
                      : out.style.yellow(text),
              },
              { header: 'from', value: (m) => `${m.source.clusterId}/${m.source.physicalTopic}` },
              { header: 'to', value: (m) => `${m.target.clusterId}/${m.target.physicalTopic}` },
              { header: 'epochs', value: (m) => `${m.epochFrom}→${m.epochTo}` },
              { header: 'swept', value: (m) => (m.sweep ? String(m.sweep.records) : '-'), align: 'right' },
              { header: 'by', value: (m) => m.startedBy },
              { header: 'started', value: (m) => ago(m.createdAt, clock.now()) },
            ],
            data,
            out.style,
            'never shuffled (start one with "fleet shuffle start")',
          ),
        );
      },
    },
    {
      path: ['shuffle', 'abort'],
      summary: 'Abort a shuffle that has not moved any producer yet (phase prepare)',
      description:
        'Abort a shuffle while it is still in "prepare". Once producers may have moved the service\n' +
        'refuses (exit 4): the way back is then a shuffle to the original cluster.',
      positionals: [topicArg, idArg],
      async run({ api, out }, args) {
        const topic = args.positional('topic');
        const { data: m, raw } = await api.abortShuffle(topic, args.positional('id'));
        out.result(raw, () => [
          `shuffle ${m.id} of ${topic} aborted; the topic stays on ${m.source.clusterId}`,
        ]);
      },
    },
    {
      path: ['shuffle', 'resume'],
      summary: 'Release a shuffle held by --hold-at at its current phase',
      positionals: [topicArg, idArg],
      async run({ api, out }, args) {
        const topic = args.positional('topic');
        const { data: m, raw } = await api.resumeShuffle(topic, args.positional('id'));
        out.result(raw, () => [`shuffle ${m.id} of ${topic} resumed at phase ${m.phase}`]);
      },
    },
    ...eraCommands,
  ],
};

async function latest(ctx: CommandContext, topic: string) {
  const { data, raw } = await ctx.api.listShuffles(topic);
  if (data.length === 0) throw new KafkaFleetError('NOT_FOUND', `topic "${topic}" was never shuffled`);
  // The service lists newest first.
  return { data: data[0], raw: (raw as unknown[])[0] };
}
