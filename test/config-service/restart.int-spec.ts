import { twoClusters } from '../support/stack-harness';
import {
  APP_ID,
  client,
  ConfigServiceHarness,
  type ServiceUnderTest,
} from './support/config-service-harness';
import { ChangeFeedService } from '../../apps/config-service/src/watch/change-feed.service';
import { SseClient } from './support/sse-client';
import { clusterBody, topicName } from './fixtures';

const harness = new ConfigServiceHarness(5);
const [alpha, beta] = twoClusters();
const topic = topicName('restart');

beforeAll(() => harness.flush());

describe('a restarted service serves everything it stored', () => {
  let first: ServiceUnderTest;
  let second: ServiceUnderTest | undefined;
  afterAll(() => second?.app.close());

  it('keeps clusters, topics, apps, snapshots, audit and the change feed across a restart; watchers are told to reconnect', async () => {
    first = await harness.start();
    const sre1 = client(first.url, harness.tokens.operator);
    await sre1('POST', '/v1/clusters', clusterBody(alpha));
    await sre1('POST', '/v1/clusters', clusterBody(beta));
    await sre1('POST', '/v1/topics', { name: topic, owner: 'payments', partitions: 3, clusterId: 'beta' });
    await sre1('POST', '/v1/apps', {
      id: APP_ID,
      owner: 'payments',
      topics: { [topic]: { produce: true, consume: true } },
    });
    const snapshotBefore = await client(first.url, harness.tokens.app)('GET', `/v1/apps/${APP_ID}/snapshot`);
    const auditBefore = (await sre1<unknown[]>('GET', '/v1/audit')).body;
    const watcher = new SseClient(`${first.url}/v1/watch`, harness.tokens.operator);
    await watcher.waitFor((e) => e.some((x) => x.event === 'hello'));

    await first.app.close();
    await watcher.done;
    expect(watcher.events.at(-1)?.event).toBe('shutdown');

    second = await harness.start();
    const sre2 = client(second.url, harness.tokens.operator);
    const app2 = client(second.url, harness.tokens.app);
    expect((await sre2('GET', '/v1/clusters/alpha')).status).toBe(200);
    expect((await sre2('GET', `/v1/topics/${topic}`)).body).toMatchObject({
      placement: { clusterId: 'beta' },
      epoch: 1,
    });
    const snapshotAfter = await app2('GET', `/v1/apps/${APP_ID}/snapshot`);
    expect(snapshotAfter.body).toEqual(snapshotBefore.body);
    expect(snapshotAfter.headers.etag).toBe(snapshotBefore.headers.etag);
    const unchanged = await app2('GET', `/v1/apps/${APP_ID}/snapshot`, undefined, {
      'if-none-match': String(snapshotBefore.headers.etag),
    });
    expect(unchanged.status).toBe(304);
    expect((await sre2('GET', '/v1/audit')).body).toEqual(auditBefore);

    const resumed = new SseClient(
      `${second.url}/v1/watch?since=${(snapshotBefore.body as { version: number }).version}`,
      harness.tokens.operator,
    );
    await resumed.waitFor((e) => e.some((x) => x.event === 'hello'));
    const t = (await sre2<{ version: number }>('GET', `/v1/topics/${topic}`)).body;
    await sre2('PATCH', `/v1/topics/${topic}`, { version: t.version, owner: 'payments-core' });
    const changes = await resumed.waitFor((e) => e.some((x) => x.event === 'change'));
    expect(changes.filter((x) => x.event === 'change').map((x) => x.data.id)).toEqual([topic]);
    resumed.close();
  });
});

describe('a watcher reconnecting while the service shuts down', () => {
  it('is told to reconnect elsewhere at once, and does not hold the shutdown open', async () => {
    const service = await harness.start();
    const feed = service.app.get(ChangeFeedService);
    const announce = feed.onModuleDestroy.bind(feed);
    let second: SseClient | undefined;
    // The feed has announced the shutdown, but this replica still has work to stop (a shuffle step
    // in progress) before its HTTP server closes: a watcher reconnects in that window.
    feed.onModuleDestroy = async () => {
      await announce();
      second = new SseClient(`${service.url}/v1/watch`, harness.tokens.operator);
      await second.waitFor((e) => e.length > 0).catch(() => undefined);
      // Without an answer of `shutdown` the stream stays open and the close below would hang.
      if (second.events[0]?.event !== 'shutdown') second.close();
    };
    await service.app.close();
    expect(second?.events.map((e) => e.event)).toEqual(['shutdown']);
  });
});
