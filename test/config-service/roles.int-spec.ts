import { twoClusters } from '../support/stack-harness';
import {
  APP_ID,
  client,
  ConfigServiceHarness,
  OTHER_APP_ID,
  type ServiceUnderTest,
  type Who,
} from './support/config-service-harness';
import { SseClient } from './support/sse-client';
import { clusterBody, topicName } from './fixtures';

const harness = new ConfigServiceHarness(7);
const [, beta] = twoClusters();
let service: ServiceUnderTest;
const topic = topicName('roles');

beforeAll(async () => {
  await harness.flush();
  service = await harness.start();
  const sre = client(service.url, harness.tokens.operator);
  await sre('POST', '/v1/clusters', clusterBody(beta));
  await sre('POST', '/v1/topics', { name: topic, owner: 'payments', partitions: 1, clusterId: 'beta' });
  await sre('POST', '/v1/apps', { id: APP_ID, owner: 'payments', topics: { [topic]: { produce: true } } });
  await sre('POST', '/v1/apps', { id: OTHER_APP_ID, owner: 'ledger' });
});
afterAll(() => service.app.close());

type Caller = Who | 'anonymous' | 'forged';
/**
 * Every route, who may call it, and a request that changes nothing when allowed (invalid bodies,
 * missing ids), so the matrix can run in any order. `app` means only the payments-api token among
 * app tokens; `anyApp` means every app token.
 */
type Route = {
  method: string;
  path: () => string;
  body?: unknown;
  allow: Array<'operator' | 'app' | 'anyApp'>;
};
const heartbeat = () => ({ instanceId: 'i-1', app: APP_ID, host: 'h', backend: 'kafkajs', configVersion: 0 });
const ROUTES: Route[] = [
  { method: 'GET', path: () => '/v1/clusters', allow: ['operator'] },
  { method: 'POST', path: () => '/v1/clusters', body: {}, allow: ['operator'] },
  { method: 'GET', path: () => '/v1/clusters/beta', allow: ['operator'] },
  { method: 'PUT', path: () => '/v1/clusters/beta', body: {}, allow: ['operator'] },
  { method: 'DELETE', path: () => '/v1/clusters/no-such-cluster', allow: [] },
  { method: 'POST', path: () => '/v1/clusters/beta/sync', allow: ['operator'] },
  { method: 'GET', path: () => '/v1/topics', allow: ['operator'] },
  { method: 'POST', path: () => '/v1/topics', body: {}, allow: ['operator'] },
  { method: 'GET', path: () => `/v1/topics/${topic}`, allow: ['operator'] },
  { method: 'PATCH', path: () => `/v1/topics/${topic}`, body: {}, allow: ['operator'] },
  { method: 'PUT', path: () => `/v1/topics/${topic}/placement`, body: {}, allow: ['operator'] },
  { method: 'GET', path: () => `/v1/topics/${topic}/partitions`, allow: ['operator'] },
  { method: 'DELETE', path: () => '/v1/topics/no.such.topic', allow: [] },
  { method: 'GET', path: () => '/v1/apps', allow: ['operator'] },
  { method: 'POST', path: () => '/v1/apps', body: {}, allow: ['operator'] },
  { method: 'GET', path: () => `/v1/apps/${APP_ID}`, allow: ['operator'] },
  { method: 'PUT', path: () => `/v1/apps/${APP_ID}`, body: {}, allow: ['operator'] },
  { method: 'DELETE', path: () => '/v1/apps/no-such-app', allow: [] },
  { method: 'GET', path: () => `/v1/apps/${APP_ID}/snapshot`, allow: ['operator', 'app'] },
  { method: 'GET', path: () => `/v1/resolve?topic=${topic}`, allow: ['operator', 'app'] },
  { method: 'POST', path: () => '/v1/instances/heartbeat', body: heartbeat(), allow: ['operator', 'app'] },
  { method: 'GET', path: () => '/v1/instances', allow: ['operator'] },
  { method: 'GET', path: () => '/v1/audit', allow: ['operator'] },
  { method: 'GET', path: () => '/v1/whoami', allow: ['operator', 'anyApp'] },
  { method: 'POST', path: () => `/v1/topics/${topic}/migrations`, body: {}, allow: ['operator'] },
  { method: 'GET', path: () => `/v1/topics/${topic}/migrations`, allow: ['operator'] },
  { method: 'GET', path: () => `/v1/topics/${topic}/migrations/no-such`, allow: ['operator'] },
  {
    method: 'POST',
    path: () => `/v1/topics/${topic}/migrations/no-such/abort`,
    body: {},
    allow: ['operator'],
  },
  {
    method: 'POST',
    path: () => `/v1/topics/${topic}/migrations/no-such/resume`,
    body: {},
    allow: ['operator'],
  },
  { method: 'GET', path: () => '/v1/groups', allow: ['operator'] },
  { method: 'GET', path: () => '/v1/groups/no-such-group', allow: ['operator'] },
  { method: 'GET', path: () => '/v1/load', allow: ['operator'] },
  { method: 'GET', path: () => '/v1/rebalance/plans', allow: ['operator'] },
  { method: 'POST', path: () => '/v1/rebalance/plans', body: { mode: 'nonsense' }, allow: ['operator'] },
];
const PUBLIC = ['/health/live', '/health/ready', '/metrics', '/docs/json', '/docs'];
const CALLERS: Caller[] = ['anonymous', 'forged', 'admin', 'operator', 'app', 'otherApp'];

function expected(route: Route, caller: Caller): 'ok' | 401 | 403 {
  if (caller === 'anonymous' || caller === 'forged') return 401;
  if (caller === 'admin') return 'ok';
  if (caller === 'operator') return route.allow.includes('operator') ? 'ok' : 403;
  if (route.allow.includes('anyApp')) return 'ok';
  return route.allow.includes('app') && caller === 'app' ? 'ok' : 403;
}

const token = (caller: Caller) =>
  caller === 'anonymous' ? undefined : caller === 'forged' ? 'not-a-real-token-0000' : harness.tokens[caller];

describe('role matrix: every route × every kind of caller', () => {
  const rows = ROUTES.flatMap((route) =>
    CALLERS.map((caller) => ({
      route,
      caller,
      name: `${route.method} ${route.path.toString().replace(/^.*=> /, '')} as ${caller}`,
    })),
  );
  it.each(rows)('$name', async ({ route, caller }) => {
    const res = await client(service.url, token(caller))<{ error?: { code: string; message: string } }>(
      route.method,
      route.path(),
      route.body,
    );
    const want = expected(route, caller);
    if (want === 'ok') {
      expect([401, 403]).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    } else {
      expect(res.status).toBe(want);
      expect(res.body.error?.code).toBe(want === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      expect(res.body.error?.message.length).toBeGreaterThan(10);
    }
  });

  it.each(PUBLIC)('%s needs no token', async (path) => {
    expect((await client(service.url)('GET', path)).status).toBe(200);
  });

  it('an app token reads only its own snapshot, resolves only its own topics, heartbeats only as itself', async () => {
    const other = client(service.url, harness.tokens.otherApp);
    expect((await other('GET', `/v1/apps/${OTHER_APP_ID}/snapshot`)).status).toBe(200);
    expect((await other('GET', `/v1/resolve?topic=${topic}`)).status).toBe(403);
    expect(
      (await other('POST', '/v1/instances/heartbeat', { ...heartbeat(), app: OTHER_APP_ID })).status,
    ).toBe(200);
  });

  it.each([
    ['admin', { name: 'root', role: 'admin' }],
    ['operator', { name: 'sre', role: 'operator' }],
    ['app', { name: 'payments', role: 'app', app: APP_ID }],
  ] as const)('whoami names the principal behind the %s token', async (caller, principal) => {
    const res = await client(service.url, harness.tokens[caller])('GET', '/v1/whoami');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(principal);
  });

  it.each([
    ['anonymous', 401],
    ['forged', 401],
  ] as const)('watch refuses %s callers with %i', async (caller, status) => {
    const w = new SseClient(`${service.url}/v1/watch`, token(caller) ?? '');
    await w.done;
    expect(w.failure?.message).toBe(`watch answered ${status}`);
  });

  it.each(['admin', 'operator', 'app', 'otherApp'] as const)('watch accepts %s', async (caller) => {
    const w = new SseClient(`${service.url}/v1/watch`, harness.tokens[caller]);
    await w.waitFor((e) => e.some((x) => x.event === 'hello'));
    w.close();
  });

  it('never returns a secret: clusters carry only a secret reference', async () => {
    const sre = client(service.url, harness.tokens.operator);
    const res = await sre('POST', '/v1/clusters', {
      id: 'secured',
      bootstrapServers: ['kafka-1.example:9093'],
      security: {
        protocol: 'SASL_SSL',
        saslMechanism: 'SCRAM-SHA-512',
        secretRef: 'kafka-secured-credentials',
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ security: { secretRef: 'kafka-secured-credentials' } });
    expect(JSON.stringify(res.body)).not.toMatch(/password|sasl\.jaas/i);
  });
});
