import type { CommandModule } from '../framework/command';
import { list } from '../output/format';
import { renderFields } from '../output/table-renderer';

export const resolveModule: CommandModule = {
  summary: 'Resolve a topic for an application',
  commands: [
    {
      path: ['resolve'],
      summary: 'Resolve a topic the way an application sees it (checks its access)',
      positionals: [
        { name: 'app', description: 'application id' },
        { name: 'topic', description: 'logical topic name' },
      ],
      examples: ['fleet resolve payments-api payments.orders'],
      async run({ api, out }, args) {
        const { data: r, raw } = await api.resolve(args.positional('topic'), args.positional('app'));
        out.result(raw, () =>
          renderFields(
            [
              ['topic', r.topic],
              ['cluster', r.clusterId],
              ['physical topic', r.physicalTopic],
              ['bootstrap', list(r.bootstrapServers)],
              ['epoch', String(r.epoch)],
              ['partitions', String(r.partitions)],
              ['state', r.state],
              ['config version', String(r.version)],
            ],
            out.style,
          ),
        );
      },
    },
  ],
};
