import { BACKENDS, type AppInput } from '@kafka-fleet/contracts';
import type { CommandModule } from '../framework/command';
import type { AppView } from '../http/api-schemas';
import { ago, pairs, typedValue } from '../output/format';
import { renderFields, renderTable } from '../output/table-renderer';

type TopicAccess = NonNullable<AppInput['topics']>[string];

/** Merges --produce, --consume and --topic-backend into the per-topic access map. */
export function accessMap(
  produce: readonly string[],
  consume: readonly string[],
  backends: Readonly<Record<string, string>>,
): Record<string, TopicAccess> {
  const topics: Record<string, { produce?: boolean; consume?: boolean; backend?: string }> = {};
  for (const name of produce) topics[name] = { ...topics[name], produce: true };
  for (const name of consume) topics[name] = { ...topics[name], consume: true };
  // A backend for a topic with no access is sent as is: the service explains what is missing.
  for (const [name, backend] of Object.entries(backends)) topics[name] = { ...topics[name], backend };
  return topics as Record<string, TopicAccess>;
}

export const appsModule: CommandModule = {
  summary: 'Application profiles: topic access, backend, config overrides',
  commands: [
    {
      path: ['apps', 'list'],
      summary: 'List application profiles',
      async run({ api, out, clock }) {
        const { data, raw } = await api.listApps();
        out.result(raw, () =>
          renderTable<AppView>(
            [
              { header: 'id', value: (a) => a.id },
              { header: 'owner', value: (a) => a.owner },
              { header: 'backend', value: (a) => a.backend },
              { header: 'topics', value: (a) => String(Object.keys(a.topics).length), align: 'right' },
              { header: 'version', value: (a) => String(a.version), align: 'right' },
              { header: 'updated', value: (a) => ago(a.updatedAt, clock.now()) },
            ],
            data,
            out.style,
            'no applications (create one with "fleet apps create")',
          ),
        );
      },
    },
    {
      path: ['apps', 'get'],
      summary: 'Show one application profile and its topic access',
      positionals: [{ name: 'id', description: 'application id' }],
      async run({ api, out }, args) {
        const { data: a, raw } = await api.getApp(args.positional('id'));
        const access = Object.entries(a.topics).map(([topic, t]) => ({ topic, ...t }));
        out.result(raw, () => [
          ...renderFields(
            [
              ['id', a.id],
              ['owner', a.owner],
              ['backend', a.backend],
              ['overrides', pairs(a.configOverrides)],
              ['handler failures', handlerFailuresText(a.handlerFailures)],
              ['version', String(a.version)],
              ['updated', a.updatedAt],
            ],
            out.style,
          ),
          '',
          ...renderTable(
            [
              { header: 'topic', value: (t) => t.topic },
              { header: 'produce', value: (t) => (t.produce ? 'yes' : 'no') },
              { header: 'consume', value: (t) => (t.consume ? 'yes' : 'no') },
              { header: 'backend', value: (t) => t.backend ?? `${a.backend} (app default)` },
            ],
            access,
            out.style,
            'no topic access granted',
          ),
        ]);
      },
    },
    {
      path: ['apps', 'create'],
      summary: 'Create an application profile',
      positionals: [{ name: 'id', description: 'application id' }],
      options: {
        owner: { type: 'string', required: true, valueName: '<team>', description: 'owning team' },
        backend: {
          type: 'string',
          choices: BACKENDS,
          description: 'default backend (service default: kafkajs)',
        },
        produce: { type: 'strings', valueName: '<topic,...>', description: 'topics it may produce to' },
        consume: { type: 'strings', valueName: '<topic,...>', description: 'topics it may consume from' },
        'topic-backend': {
          type: 'pairs',
          valueName: '<topic=backend>',
          description: 'backend for one topic',
        },
        override: {
          type: 'pairs',
          valueName: '<key=value>',
          description: 'client config override within the guardrails; numbers and true/false are typed',
        },
        'dead-letter-topic': {
          type: 'string',
          valueName: '<topic>',
          description: 'where records whose handler fails every attempt go (the app may produce to it)',
        },
        'max-attempts': {
          type: 'int',
          valueName: '<n>',
          description:
            'handler attempts per record before it is dead-lettered or its partition held (default 5)',
        },
      },
      examples: [
        'fleet apps create payments-api --owner payments --produce payments.orders --consume payments.refunds',
      ],
      async run({ api, out }, args) {
        const overrides = Object.entries(args.pairs('override')).map(([k, v]) => [k, typedValue(v)] as const);
        const deadLetterTopic = args.string('dead-letter-topic');
        const maxAttempts = args.int('max-attempts');
        const body: AppInput = {
          id: args.positional('id'),
          owner: args.requireString('owner'),
          backend: args.choice('backend', BACKENDS),
          topics: accessMap(
            [...args.strings('produce'), ...(deadLetterTopic ? [deadLetterTopic] : [])],
            args.strings('consume'),
            args.pairs('topic-backend'),
          ),
          configOverrides: overrides.length ? Object.fromEntries(overrides) : undefined,
          handlerFailures:
            deadLetterTopic || maxAttempts !== undefined ? { deadLetterTopic, maxAttempts } : undefined,
        };
        const { data, raw } = await api.createApp(body);
        out.result(raw, () => [
          `app ${data.id} created (${Object.keys(data.topics).length} topic(s), backend ${data.backend}), version ${data.version}`,
        ]);
      },
    },
  ],
};

function handlerFailuresText(h: AppView['handlerFailures']): string {
  if (!h) return 'defaults (5 attempts, then the partition is held)';
  const then = h.deadLetterTopic
    ? `then dead-lettered to ${h.deadLetterTopic}`
    : 'then the partition is held';
  return `${h.maxAttempts} attempts (${h.initialBackoffMs}-${h.maxBackoffMs} ms back-off), ${then}`;
}
