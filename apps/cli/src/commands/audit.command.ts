import type { CommandContext, CommandModule } from '../framework/command';
import type { AuditRow } from '../http/api-schemas';
import type { Query } from '../http/fleet-api';
import { sanitize } from '../output/style';
import { followAudit } from './audit-follow';

/** One audit entry per line, fixed-width, so `tail` and `--follow` print the same shape. */
export function auditLine(entry: AuditRow, ctx: Pick<CommandContext, 'out'>): string {
  const { style } = ctx.out;
  const action = entry.action.padEnd(6);
  const colored =
    entry.action === 'delete' ? style.red(action) : entry.action === 'create' ? style.green(action) : action;
  return [
    style.dim(sanitize(entry.at)),
    sanitize(entry.actor).padEnd(10),
    colored,
    sanitize(entry.kind).padEnd(7),
    `${sanitize(entry.entity)} v${entry.version}`,
    ...shufflePhase(entry),
  ].join('  ');
}

/** A shuffle's phase changes are topic updates; naming the phase makes the log tell the story. */
function shufflePhase(entry: AuditRow): string[] {
  const { migration, phase } = entry.detail ?? {};
  if (typeof migration !== 'string' || typeof phase !== 'string') return [];
  return [`shuffle ${sanitize(migration)} → ${sanitize(phase)}`];
}

export const auditModule: CommandModule = {
  summary: 'Who changed what, when',
  commands: [
    {
      path: ['audit', 'tail'],
      summary: 'The latest audit entries (who changed what), oldest first; --follow for new ones',
      description:
        'The latest audit entries, oldest first. --follow keeps printing new entries as they are\n' +
        'written: it listens to the /v1/watch change feed and also polls, so nothing is missed if the\n' +
        'stream drops. Under --json: an array, or with --follow one JSON entry per line.',
      options: {
        limit: { type: 'int', description: 'how many recent entries (default 20, at most 1000)' },
        kind: { type: 'string', valueName: '<kind>', description: 'only cluster, topic or app entries' },
        entity: { type: 'string', valueName: '<id>', description: 'only entries about this id or name' },
        follow: { type: 'boolean', short: 'f', description: 'keep printing new entries until Ctrl-C' },
        'interval-ms': { type: 'int', description: 'with --follow: poll interval (default 2000)' },
        poll: { type: 'boolean', description: 'with --follow: poll only, do not open the watch stream' },
      },
      examples: ['fleet audit tail --limit 50', 'fleet audit tail --follow --kind topic'],
      async run(ctx, args) {
        const filter: Query = { kind: args.string('kind'), entity: args.string('entity') };
        const { data, raw } = await ctx.api.audit({ ...filter, limit: args.int('limit') ?? 20 });
        const oldestFirst = [...data].reverse();
        const rawOldestFirst = [...(raw as unknown[])].reverse();
        if (!args.flag('follow')) {
          ctx.out.result(rawOldestFirst, () =>
            oldestFirst.length
              ? oldestFirst.map((e) => auditLine(e, ctx))
              : [ctx.out.style.dim('(no audit entries)')],
          );
          return;
        }
        oldestFirst.forEach((entry, i) => ctx.out.record(rawOldestFirst[i], () => [auditLine(entry, ctx)]));
        await followAudit(ctx, {
          filter,
          after: data[0]?.id,
          intervalMs: args.int('interval-ms') ?? 2000,
          useWatch: !args.flag('poll'),
          print: (entry, rawEntry) => ctx.out.record(rawEntry, () => [auditLine(entry, ctx)]),
        });
      },
    },
  ],
};
