import { CLUSTER_STATUSES, clusterSecurity, type ClusterInput } from '@kafka-fleet/contracts';
import { EXIT } from '../errors/exit-codes';
import type { CommandModule } from '../framework/command';
import type { ClusterView } from '../http/api-schemas';
import { ago, list, pairs } from '../output/format';
import type { Style } from '../output/style';
import { renderFields, renderTable } from '../output/table-renderer';

const PROTOCOLS = clusterSecurity.shape.protocol.unwrap().options;
const MECHANISMS = clusterSecurity.shape.saslMechanism.unwrap().options;

const statusColor = (style: Style) => (text: string) =>
  text === 'active' ? style.green(text) : text === 'offline' ? style.red(text) : style.yellow(text);

export const clustersModule: CommandModule = {
  summary: 'Kafka clusters the fleet routes to',
  commands: [
    {
      path: ['clusters', 'list'],
      summary: 'List registered Kafka clusters',
      async run({ api, out, clock }) {
        const { data, raw } = await api.listClusters();
        out.result(raw, () =>
          renderTable<ClusterView>(
            [
              { header: 'id', value: (c) => c.id },
              { header: 'status', value: (c) => c.status, color: statusColor(out.style) },
              { header: 'env', value: (c) => c.environment },
              { header: 'region', value: (c) => c.region + (c.zone ? `/${c.zone}` : '') },
              { header: 'bootstrap', value: (c) => list(c.bootstrapServers) },
              { header: 'version', value: (c) => String(c.version), align: 'right' },
              { header: 'updated', value: (c) => ago(c.updatedAt, clock.now()) },
            ],
            data,
            out.style,
            'no clusters registered (add one with "fleet clusters add")',
          ),
        );
      },
    },
    {
      path: ['clusters', 'get'],
      summary: 'Show one cluster',
      positionals: [{ name: 'id', description: 'cluster id' }],
      async run({ api, out }, args) {
        const { data: c, raw } = await api.getCluster(args.positional('id'));
        out.result(raw, () =>
          renderFields(
            [
              ['id', c.id],
              ['status', c.status],
              ['bootstrap', list(c.bootstrapServers)],
              ['environment', c.environment],
              ['region', c.region],
              ['zone', c.zone ?? '-'],
              ['tags', pairs(c.tags)],
              ['capacity', pairs(c.capacity)],
              [
                'security',
                [c.security.protocol, c.security.saslMechanism, c.security.secretRef]
                  .filter(Boolean)
                  .join(' '),
              ],
              ['version', String(c.version)],
              ['created', c.createdAt],
              ['updated', c.updatedAt],
            ],
            out.style,
          ),
        );
      },
    },
    {
      path: ['clusters', 'add'],
      summary: 'Register a Kafka cluster',
      description: 'Register a Kafka cluster. Credentials are never sent: name a secret with --secret-ref.',
      options: {
        id: { type: 'string', required: true, valueName: '<id>', description: 'cluster id' },
        bootstrap: {
          type: 'strings',
          required: true,
          valueName: '<host:port,...>',
          description: 'bootstrap servers',
        },
        region: { type: 'string', valueName: '<region>', description: 'region (service default: local)' },
        zone: { type: 'string', valueName: '<zone>', description: 'zone' },
        environment: {
          type: 'string',
          valueName: '<env>',
          description: 'environment (service default: dev)',
        },
        status: {
          type: 'string',
          choices: CLUSTER_STATUSES,
          description: 'status (service default: active)',
        },
        tag: { type: 'pairs', description: 'tag' },
        'security-protocol': { type: 'string', choices: PROTOCOLS, description: 'security protocol' },
        'sasl-mechanism': { type: 'string', choices: MECHANISMS, description: 'SASL mechanism' },
        'secret-ref': {
          type: 'string',
          valueName: '<name>',
          description: 'name of the secret holding credentials',
        },
      },
      examples: [
        'fleet clusters add --id alpha --bootstrap kafka-1:9092,kafka-2:9092 --region eu-west-1 --tag tier=gold',
      ],
      async run({ api, out }, args) {
        const protocol = args.choice('security-protocol', PROTOCOLS);
        const saslMechanism = args.choice('sasl-mechanism', MECHANISMS);
        const secretRef = args.string('secret-ref');
        const body: ClusterInput = {
          id: args.requireString('id'),
          bootstrapServers: args.strings('bootstrap'),
          region: args.string('region'),
          zone: args.string('zone'),
          environment: args.string('environment'),
          status: args.choice('status', CLUSTER_STATUSES),
          tags: args.has('tag') ? args.pairs('tag') : undefined,
          security:
            protocol || saslMechanism || secretRef ? { protocol, saslMechanism, secretRef } : undefined,
        };
        const { data, raw } = await api.createCluster(body);
        out.result(raw, () => [
          `cluster ${data.id} registered (${list(data.bootstrapServers)}), version ${data.version}`,
        ]);
      },
    },
    {
      path: ['clusters', 'sync'],
      summary: 'Sync partition metadata from the live cluster now',
      positionals: [{ name: 'id', description: 'cluster id' }],
      async run({ api, out }, args) {
        const { data, raw } = await api.syncCluster(args.positional('id'));
        if (data.outcome === 'error') {
          out.result(raw, () => [`sync of ${data.clusterId} failed: ${data.error ?? 'unknown error'}`]);
          return EXIT.unavailable;
        }
        out.result(raw, () => [`synced ${data.topics} topic(s) on ${data.clusterId} at ${data.syncedAt}`]);
      },
    },
  ],
};
