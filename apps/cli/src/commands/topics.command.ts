import type { TopicInput } from '@kafka-fleet/contracts';
import { ServiceError, UsageError } from '../errors/cli-errors';
import type { CommandModule } from '../framework/command';
import type { PartitionMetadata, TopicView } from '../http/api-schemas';
import { list, pairs } from '../output/format';
import { renderFields, renderTable } from '../output/table-renderer';
import { changePlacement } from './placement-change';

export const topicsModule: CommandModule = {
  summary: 'Logical topics and their placement',
  commands: [
    {
      path: ['topics', 'list'],
      summary: 'List logical topics and where they are placed',
      async run({ api, out }) {
        const { data, raw } = await api.listTopics();
        out.result(raw, () =>
          renderTable<TopicView>(
            [
              { header: 'name', value: (t) => t.name },
              { header: 'cluster', value: (t) => t.placement.clusterId },
              { header: 'physical topic', value: (t) => t.placement.physicalTopic },
              { header: 'partitions', value: (t) => String(t.partitions), align: 'right' },
              { header: 'rf', value: (t) => String(t.replicationFactor), align: 'right' },
              { header: 'epoch', value: (t) => String(t.epoch), align: 'right' },
              {
                header: 'state',
                value: (t) => t.state,
                color: (s) => (s === 'stable' ? s : out.style.yellow(s)),
              },
              { header: 'owner', value: (t) => t.owner },
            ],
            data,
            out.style,
            'no topics onboarded (onboard one with "fleet topics onboard")',
          ),
        );
      },
    },
    {
      path: ['topics', 'get'],
      summary: 'Show one logical topic',
      positionals: [{ name: 'name', description: 'logical topic name' }],
      async run({ api, out }, args) {
        const { data: t, raw } = await api.getTopic(args.positional('name'));
        out.result(raw, () =>
          renderFields(
            [
              ['name', t.name],
              ['owner', t.owner],
              ['cluster', t.placement.clusterId],
              ['physical topic', t.placement.physicalTopic],
              ['epoch', String(t.epoch)],
              ['state', t.state],
              ['partitions', String(t.partitions)],
              ['replication', String(t.replicationFactor)],
              ['configs', pairs(t.configs)],
              ['version', String(t.version)],
              ['created', t.createdAt],
              ['updated', t.updatedAt],
            ],
            out.style,
          ),
        );
      },
    },
    {
      path: ['topics', 'onboard'],
      summary: 'Onboard a logical topic (creates the physical topic on the cluster)',
      positionals: [
        { name: 'name', description: 'logical topic name (Kafka rules: [a-zA-Z0-9._-], at most 249)' },
      ],
      options: {
        cluster: { type: 'string', required: true, valueName: '<id>', description: 'cluster to place it on' },
        partitions: { type: 'int', required: true, description: 'partition count' },
        owner: { type: 'string', required: true, valueName: '<team>', description: 'owning team' },
        'replication-factor': { type: 'int', description: 'replication factor (default: min(3, brokers))' },
        'topic-config': { type: 'pairs', description: 'Kafka topic config, e.g. retention.ms=86400000' },
        'physical-topic': {
          type: 'string',
          valueName: '<name>',
          description: 'physical name (default: the logical name)',
        },
      },
      examples: ['fleet topics onboard payments.orders --cluster alpha --partitions 12 --owner payments'],
      async run({ api, out }, args) {
        const body: TopicInput = {
          name: args.positional('name'),
          clusterId: args.requireString('cluster'),
          partitions: args.requireInt('partitions'),
          owner: args.requireString('owner'),
          replicationFactor: args.int('replication-factor'),
          configs: args.has('topic-config') ? args.pairs('topic-config') : undefined,
          physicalTopic: args.string('physical-topic'),
        };
        const { data: t, raw } = await api.onboardTopic(body);
        out.result(raw, () => [
          `topic ${t.name} onboarded on ${t.placement.clusterId} as ${t.placement.physicalTopic} ` +
            `(${t.partitions} partitions, rf ${t.replicationFactor}, epoch ${t.epoch})`,
        ]);
      },
    },
    {
      path: ['topics', 'placement'],
      summary: 'Show where a topic lives (cluster, partitions, leaders); --set re-points it',
      description:
        'Show where a topic lives: its cluster, bootstrap servers, epoch and the partition metadata last\n' +
        'synced from Kafka. With --set, re-point the topic to another cluster and bump its epoch. That is\n' +
        'a hard switch (records in flight on the old cluster are not moved), so it needs --yes; use a\n' +
        'shuffle for a lossless move. --wait then follows live instances until none lags the new epoch.',
      positionals: [{ name: 'name', description: 'logical topic name' }],
      options: {
        set: { type: 'string', valueName: '<cluster>', description: 'move the placement to this cluster' },
        'physical-topic': {
          type: 'string',
          valueName: '<name>',
          description: 'with --set: physical topic name there',
        },
        yes: { type: 'boolean', description: 'with --set: confirm the hard switch' },
        wait: { type: 'boolean', description: 'with --set: follow instances until all run the new epoch' },
        'wait-timeout-ms': {
          type: 'int',
          description: 'with --wait: give up after this long (default 120000)',
        },
      },
      examples: [
        'fleet topics placement payments.orders',
        'fleet topics placement payments.orders --set beta --yes --wait',
      ],
      async run(ctx, args) {
        const name = args.positional('name');
        const target = args.string('set');
        if (target !== undefined) {
          if (!args.flag('yes')) {
            throw new UsageError(
              '--set is a hard switch that does not move in-flight records: add --yes to confirm',
              args.commandPath,
            );
          }
          return changePlacement(ctx, name, target, {
            physicalTopic: args.string('physical-topic'),
            wait: args.flag('wait'),
            waitTimeoutMs: args.int('wait-timeout-ms') ?? 120_000,
          });
        }
        const stray = ['physical-topic', 'yes', 'wait', 'wait-timeout-ms'].find((flag) => args.has(flag));
        if (stray) throw new UsageError(`--${stray} only applies with --set <cluster>`, args.commandPath);
        const { api, out } = ctx;
        const resolved = await api.resolve(name);
        const partitions = await api.topicPartitions(name).catch((error: unknown) => {
          if (error instanceof ServiceError && error.status === 404) return undefined; // not synced yet
          throw error;
        });
        const r = resolved.data;
        out.result({ resolved: resolved.raw, partitions: partitions?.raw ?? null }, () => [
          ...renderFields(
            [
              ['topic', r.topic],
              ['cluster', r.clusterId],
              ['physical topic', r.physicalTopic],
              ['bootstrap', list(r.bootstrapServers)],
              ['epoch', String(r.epoch)],
              ['state', r.state],
              ['partitions', String(r.partitions)],
              [
                'synced',
                partitions ? partitions.data.syncedAt : `never (run "fleet clusters sync ${r.clusterId}")`,
              ],
            ],
            out.style,
          ),
          ...(partitions ? ['', ...partitionTable(partitions.data, out.style)] : []),
        ]);
      },
    },
  ],
};

function partitionTable(meta: PartitionMetadata, style: Parameters<typeof renderTable>[2]): string[] {
  type Row = PartitionMetadata['partitions'][number];
  return renderTable<Row>(
    [
      { header: 'partition', value: (p) => String(p.partition), align: 'right' },
      { header: 'leader', value: (p) => String(p.leader), align: 'right' },
      { header: 'replicas', value: (p) => list(p.replicas) },
      {
        header: 'isr',
        value: (p) => list(p.isr),
        color: (text, p) => (p.isr.length < p.replicas.length ? style.yellow(text) : text),
      },
      {
        header: 'offline',
        value: (p) => list(p.offlineReplicas),
        color: (t) => (t === '-' ? t : style.red(t)),
      },
      { header: 'earliest', value: (p) => p.earliestOffset, align: 'right' },
      { header: 'latest', value: (p) => p.latestOffset, align: 'right' },
    ],
    meta.partitions,
    style,
  );
}
