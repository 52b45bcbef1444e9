import { EXIT } from '../errors/exit-codes';
import type { CommandModule } from '../framework/command';
import { renderFields } from '../output/table-renderer';

export const sessionModule: CommandModule = {
  summary: 'Who the CLI acts as, and whether the service is up',
  commands: [
    {
      path: ['whoami'],
      summary: 'Which service, context and principal this CLI acts as (never prints the token)',
      async run({ api, out, config }) {
        const { data: who, raw } = await api.whoami();
        out.result(raw, () =>
          renderFields(
            [
              ['service', config.url],
              ['context', config.contextName ?? '-'],
              ['config file', config.configPath ?? '-'],
              ['token from', config.tokenSource],
              ['principal', who.name],
              ['role', who.role],
              ...(who.app ? ([['app', who.app]] as const) : []),
            ],
            out.style,
          ),
        );
      },
    },
    {
      path: ['health'],
      summary: 'Liveness and readiness of the service (Redis, Kafka); exit 6 when not ready',
      async run({ api, out }) {
        const live = await api.live();
        const ready = await api.ready();
        const ok = ready.status === 200;
        const tone = (up: boolean) => (up ? out.style.green : out.style.red);
        out.result({ live: live.raw, ready: ready.raw }, () =>
          renderFields(
            [
              ['live', live.data.status, tone(live.data.status === 'ok')],
              ['ready', ready.data.status, tone(ok)],
              ['redis', ready.data.redis ? 'ok' : 'unavailable', tone(ready.data.redis)],
              ['kafka', ready.data.kafka ? 'ok' : 'unavailable', tone(ready.data.kafka)],
            ],
            out.style,
          ),
        );
        return ok ? EXIT.ok : EXIT.unavailable;
      },
    },
  ],
};
