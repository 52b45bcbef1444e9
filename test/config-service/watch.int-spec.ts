import { twoClusters } from '../support/stack-harness';
import {
  APP_ID,
  client,
  ConfigServiceHarness,
  type ServiceUnderTest,
} from './support/config-service-harness';
import { SseClient } from './support/sse-client';
import { clusterBody } from './fixtures';

const harness = new ConfigServiceHarness(4, { KF_CHANGES_MAXLEN: '20', KF_WATCH_KEEPALIVE_MS: '200' });
const [alpha] = twoClusters();
let a: ServiceUnderTest;
let b: ServiceUnderTest;
const watchers: SseClient[] = [];
const watch = (service: ServiceUnderTest, token: string, query = '', lastEventId?: string) => {
  const w = new SseClient(`${service.url}/v1/watch${query}`, token, lastEventId);
  watchers.push(w);
  return w;
};

beforeAll(async () => {
  await harness.flush();
  [a, b] = await Promise.all([harness.start(), harness.start()]);
  await client(a.url, harness.tokens.operator)('POST', '/v1/clusters', clusterBody(alpha));
});
afterEach(() => watchers.splice(0).forEach((w) => w.close()));
afterAll(() => Promise.all([a.app.close(), b.app.close()]));

const owner = (i: number) => ({ id: 'watched', owner: `team-${i}` });

describe('change feed (SSE)', () => {
  it('delivers changes written through another replica, in order, with their versions as event ids', async () => {
    const sre = client(a.url, harness.tokens.operator);
    const w = watch(b, harness.tokens.operator);
    await w.waitFor((e) => e.some((x) => x.event === 'hello'));
    let version = (await sre<{ version: number }>('POST', '/v1/apps', owner(0))).body.version;
    for (let i = 1; i <= 5; i++)
      version = (await sre<{ version: number }>('PUT', '/v1/apps/watched', { ...owner(i), version })).body
        .version;
    const changes = (await w.waitFor((e) => e.filter((x) => x.event === 'change').length >= 6)).filter(
      (x) => x.event === 'change',
    );
    const versions = changes.map((c) => Number(c.data.version));
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
    expect(new Set(versions).size).toBe(6);
    expect(changes.map((c) => c.id)).toEqual(versions.map(String));
    expect(changes.map((c) => c.data.op)).toEqual([
      'create',
      'update',
      'update',
      'update',
      'update',
      'update',
    ]);
  });

  it('resumes after a disconnect from Last-Event-ID with exactly the changes it missed', async () => {
    const sre = client(a.url, harness.tokens.operator);
    const first = watch(a, harness.tokens.operator);
    let current = (await sre<{ version: number }>('GET', '/v1/apps/watched')).body.version;
    current = (await sre<{ version: number }>('PUT', '/v1/apps/watched', { ...owner(10), version: current }))
      .body.version;
    const seen = await first.waitFor((e) => e.some((x) => x.event === 'change'));
    const lastId = seen.filter((x) => x.event === 'change').at(-1)!.id!;
    first.close();
    const missed: number[] = [];
    for (let i = 11; i <= 13; i++) {
      const res = await sre<{ version: number }>('PUT', '/v1/apps/watched', {
        ...owner(i),
        version: current,
      });
      current = res.body.version;
      missed.push(
        Number(
          (await sre<Array<{ version: number }>>('GET', '/v1/audit?limit=1&entity=watched')).body[0].version,
        ),
      );
    }
    const resumed = watch(b, harness.tokens.operator, '', lastId);
    const got = await resumed.waitFor((e) => e.filter((x) => x.event === 'change').length >= 3);
    expect(got.filter((x) => x.event === 'change').map((x) => Number(x.data.version))).toEqual(missed);
  });

  it('tells a watcher that fell too far behind to refetch its snapshot', async () => {
    const sre = client(a.url, harness.tokens.operator);
    let current = (await sre<{ version: number }>('GET', '/v1/apps/watched')).body.version;
    const behind = (await sre<Array<{ version: number }>>('GET', '/v1/audit?limit=1')).body[0].version;
    for (let i = 0; i < 25; i++)
      current = (
        await sre<{ version: number }>('PUT', '/v1/apps/watched', { ...owner(100 + i), version: current })
      ).body.version;
    const w = watch(a, harness.tokens.operator, `?since=${behind}`);
    const events = await w.waitFor((e) => e.some((x) => x.event === 'resync'));
    expect(events.filter((x) => x.event === 'change')).toEqual([]);
    expect(events.find((x) => x.event === 'resync')?.data.reason).toMatch(/no longer retained/);
  });

  it('shows an app token only the changes that concern its app', async () => {
    const sre = client(a.url, harness.tokens.operator);
    await sre('POST', '/v1/apps', { id: APP_ID, owner: 'payments' });
    const w = watch(b, harness.tokens.app);
    await w.waitFor((e) => e.some((x) => x.event === 'hello'));
    await sre('POST', '/v1/apps', { id: 'unrelated', owner: 'x' });
    const mine = (await sre<{ version: number }>('GET', `/v1/apps/${APP_ID}`)).body;
    await sre('PUT', `/v1/apps/${APP_ID}`, { id: APP_ID, owner: 'payments-team', version: mine.version });
    await sre('PUT', '/v1/clusters/alpha', { ...clusterBody(alpha), status: 'maintenance', version: 1 });
    const changes = await w.waitFor((e) => e.filter((x) => x.event === 'change').length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(w.changes().map((c) => `${c.kind}:${c.id}`)).toEqual([`app:${APP_ID}`, 'cluster:alpha']);
    expect(changes.every((c) => c.event !== 'change' || c.data.id !== 'unrelated')).toBe(true);
  });

  it('keeps idle streams alive and counts connected watchers in /metrics', async () => {
    const w = watch(a, harness.tokens.operator);
    await w.waitFor((e) => e.some((x) => x.event === 'hello'));
    await new Promise((r) => setTimeout(r, 700));
    expect(w.closed).toBe(false);
    const metrics = String((await client(a.url)('GET', '/metrics')).body);
    expect(Number(/kafka_fleet_watchers_connected (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/kafka_fleet_config_version \d+/);
  });
});
