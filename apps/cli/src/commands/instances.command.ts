import type { CommandModule } from '../framework/command';
import type { InstanceRow } from '../http/api-schemas';
import { ago } from '../output/format';
import { renderTable } from '../output/table-renderer';

export const instancesModule: CommandModule = {
  summary: 'Live client instances and the epochs they apply',
  commands: [
    {
      path: ['instances', 'list'],
      summary: 'Live client instances: config version, applied epochs, who lags',
      description:
        'Live client instances (their heartbeat lease has not expired) with the config version and the\n' +
        'routing epoch they apply per topic. LAGGING lists the topics whose applied epoch is behind the\n' +
        "topic's current epoch: the instances a placement change is still waiting for.",
      options: {
        app: { type: 'string', valueName: '<id>', description: 'only this application' },
        topic: { type: 'string', valueName: '<name>', description: 'only instances using this topic' },
        lagging: { type: 'boolean', description: 'only instances behind on some topic' },
      },
      async run({ api, out, clock }, args) {
        const { data, raw } = await api.listInstances({
          app: args.string('app'),
          topic: args.string('topic'),
          lagging: args.flag('lagging') ? 'true' : undefined,
        });
        const rows = [...data].sort(
          (a, b) => a.app.localeCompare(b.app) || a.instanceId.localeCompare(b.instanceId),
        );
        const lagging = rows.filter((i) => i.lagging.length > 0).length;
        out.result(raw, () => [
          ...renderTable<InstanceRow>(
            [
              { header: 'instance', value: (i) => i.instanceId },
              { header: 'app', value: (i) => i.app },
              { header: 'host', value: (i) => i.host },
              { header: 'backend', value: (i) => i.backend },
              { header: 'config', value: (i) => `v${i.configVersion}`, align: 'right' },
              {
                header: 'epochs',
                value: (i) =>
                  Object.entries(i.appliedEpochs)
                    .map(([topic, epoch]) => `${topic}@${epoch}`)
                    .join(' ') || '-',
              },
              {
                header: 'lagging',
                value: (i) => (i.lagging.length ? `yes: ${i.lagging.join(',')}` : 'no'),
                color: (text, i) => (i.lagging.length ? out.style.red(text) : out.style.green(text)),
              },
              { header: 'last seen', value: (i) => ago(i.lastSeenAt, clock.now()) },
            ],
            rows,
            out.style,
            args.flag('lagging') ? 'no lagging instances' : 'no live instances',
          ),
          ...(rows.length ? ['', `${rows.length} instance(s), ${lagging} lagging`] : []),
        ]);
      },
    },
  ],
};
