import type { CommandSpec } from '../framework/command';
import type { EraView } from '../http/api-schemas';
import { renderTable } from '../output/table-renderer';

const topicArg = { name: 'topic', description: 'logical topic name' };

type EraGroupRow = { era: EraView; group?: EraView['groups'][number] };

/** The eras shuffles leave behind: who still reads them, and retiring one (deleting its topic). */
export const eraCommands: readonly CommandSpec[] = [
  {
    path: ['shuffle', 'eras'],
    summary: "Earlier placements a topic's shuffles left, and which groups have not read them yet",
    positionals: [topicArg],
    examples: ['fleet shuffle eras payments.orders'],
    async run({ api, out }, args) {
      const { data, raw } = await api.listEras(args.positional('topic'));
      const rows: EraGroupRow[] = data.flatMap((era) =>
        era.groups.length === 0 ? [{ era }] : era.groups.map((group) => ({ era, group })),
      );
      out.result(raw, () =>
        renderTable<EraGroupRow>(
          [
            { header: 'epoch', value: (r) => String(r.era.epoch), align: 'right' },
            { header: 'where', value: (r) => `${r.era.clusterId}/${r.era.physicalTopic}` },
            { header: 'group', value: (r) => r.group?.group ?? '-' },
            {
              header: 'standing',
              value: (r) => r.group?.standing ?? '-',
              color: (text, r) => (r.group?.standing === 'behind' ? out.style.yellow(text) : text),
            },
            { header: 'unread', value: (r) => r.group?.unread ?? '-', align: 'right' },
          ],
          rows,
          out.style,
          'no eras (the topic was never shuffled, or every era was retired)',
        ),
      );
    },
  },
  {
    path: ['shuffle', 'retire-era'],
    summary: 'Retire an era: clients stop reading it and its physical topic is deleted',
    description:
      'Refused (exit 4) while a consumer group has not read the era up to its fence: such a group\n' +
      'catches up by itself when it runs. --force retires it anyway and names what is dropped.',
    positionals: [topicArg, { name: 'epoch', description: 'the era\'s epoch (from "fleet shuffle eras")' }],
    options: {
      force: { type: 'boolean', description: 'retire even though groups have not passed its fence' },
    },
    examples: ['fleet shuffle retire-era payments.orders 1'],
    async run({ api, out }, args) {
      const topic = args.positional('topic');
      const { data, raw } = await api.retireEra(topic, args.positional('epoch'), args.flag('force'));
      const where = `${data.retired.clusterId}/${data.retired.physicalTopic}`;
      out.result(raw, () => [
        `era ${data.retired.epoch} of ${topic} retired; ${where} ${data.deletedTopic ? 'deleted' : 'kept (still in use, or not deletable)'}`,
        ...data.groupsBehind.map((g) => `  dropped for ${g.group}: ${g.unread} unread record(s)`),
      ]);
    },
  },
];
