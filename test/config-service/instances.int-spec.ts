import { twoClusters } from '../support/stack-harness';
import {
  APP_ID,
  client,
  ConfigServiceHarness,
  type ServiceUnderTest,
} from './support/config-service-harness';
import { clusterBody, topicName } from './fixtures';

const harness = new ConfigServiceHarness(6);
const [alpha, beta] = twoClusters();
const topic = topicName('instances');
let service: ServiceUnderTest;

beforeAll(async () => {
  await harness.flush();
  service = await harness.start();
  const sre = client(service.url, harness.tokens.operator);
  await sre('POST', '/v1/clusters', clusterBody(alpha));
  await sre('POST', '/v1/clusters', clusterBody(beta));
  await sre('POST', '/v1/topics', { name: topic, owner: 'payments', partitions: 3, clusterId: 'alpha' });
  await sre('POST', '/v1/apps', { id: APP_ID, owner: 'payments', topics: { [topic]: { produce: true } } });
});
afterAll(() => service.app.close());

const beat = (instanceId: string, epoch: number, leaseMs = 30_000) => ({
  instanceId,
  app: APP_ID,
  host: `host-${instanceId}`,
  backend: 'rdkafka',
  configVersion: 1,
  appliedEpochs: { [topic]: epoch },
  effectiveConfig: { lingerMs: 5 },
  leaseMs,
});

describe('client instances', () => {
  it('shows who runs which epoch and who lags behind a placement change', async () => {
    const app = client(service.url, harness.tokens.app);
    const sre = client(service.url, harness.tokens.operator);
    expect((await app('POST', '/v1/instances/heartbeat', beat('i-1', 1))).status).toBe(200);
    expect((await app('POST', '/v1/instances/heartbeat', beat('i-2', 1))).status).toBe(200);

    const current = (await sre<{ version: number }>('GET', `/v1/topics/${topic}`)).body;
    const moved = await sre('PUT', `/v1/topics/${topic}/placement`, {
      version: current.version,
      clusterId: 'beta',
    });
    expect(moved.body).toMatchObject({ epoch: 2, placement: { clusterId: 'beta', physicalTopic: topic } });
    const resolved = await app('GET', `/v1/resolve?topic=${topic}`);
    expect(resolved.body).toMatchObject({
      clusterId: 'beta',
      epoch: 2,
      bootstrapServers: [...beta.bootstrapServers],
    });

    await app('POST', '/v1/instances/heartbeat', beat('i-1', 2));
    const lagging = await sre<Array<{ instanceId: string; lagging: string[]; backend: string }>>(
      'GET',
      `/v1/instances?topic=${topic}&lagging=true`,
    );
    expect(lagging.body.map((i) => i.instanceId)).toEqual(['i-2']);
    expect(lagging.body[0]).toMatchObject({ lagging: [topic], backend: 'rdkafka' });
    const all = await sre<Array<{ instanceId: string }>>('GET', `/v1/instances?app=${APP_ID}`);
    expect(all.body.map((i) => i.instanceId).sort()).toEqual(['i-1', 'i-2']);
  });

  it('drops an instance whose lease expired', async () => {
    const app = client(service.url, harness.tokens.app);
    const sre = client(service.url, harness.tokens.operator);
    await app('POST', '/v1/instances/heartbeat', beat('short-lived', 2, 1000));
    expect(
      (await sre<Array<{ instanceId: string }>>('GET', '/v1/instances')).body.map((i) => i.instanceId),
    ).toContain('short-lived');
    await new Promise((r) => setTimeout(r, 1300));
    expect(
      (await sre<Array<{ instanceId: string }>>('GET', '/v1/instances')).body.map((i) => i.instanceId),
    ).not.toContain('short-lived');
  });

  it('refuses a heartbeat for an unknown app', async () => {
    const res = await client(service.url, harness.tokens.operator)('POST', '/v1/instances/heartbeat', {
      ...beat('x', 1),
      app: 'ghost',
    });
    expect(res.status).toBe(404);
  });
});
