import { twoClusters } from '../support/stack-harness';
import {
  APP_ID,
  OTHER_APP_ID,
  client,
  ConfigServiceHarness,
  type ServiceUnderTest,
} from './support/config-service-harness';
import { clusterBody, topicName } from './fixtures';

const harness = new ConfigServiceHarness(6);
const [alpha, beta] = twoClusters();
const topic = topicName('instances');
const readTopic = topicName('instances-read');
let service: ServiceUnderTest;

beforeAll(async () => {
  await harness.flush();
  service = await harness.start();
  const sre = client(service.url, harness.tokens.operator);
  await sre('POST', '/v1/clusters', clusterBody(alpha));
  await sre('POST', '/v1/clusters', clusterBody(beta));
  await sre('POST', '/v1/topics', { name: topic, owner: 'payments', partitions: 3, clusterId: 'alpha' });
  await sre('POST', '/v1/topics', { name: readTopic, owner: 'payments', partitions: 3, clusterId: 'alpha' });
  await sre('POST', '/v1/apps', {
    id: APP_ID,
    owner: 'payments',
    topics: { [topic]: { produce: true }, [readTopic]: { consume: true } },
  });
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

  it("keeps another app's forged heartbeat from overwriting an instance or claiming its topics", async () => {
    const app = client(service.url, harness.tokens.app);
    const other = client(service.url, harness.tokens.otherApp);
    const sre = client(service.url, harness.tokens.operator);
    await sre('POST', '/v1/apps', { id: OTHER_APP_ID, owner: 'ledger', topics: {} });
    expect((await app('POST', '/v1/instances/heartbeat', beat('shared-id', 2))).status).toBe(200);

    // Same instance id, its own app (it may not speak for another: 403), claims on a topic it has no access to.
    const spoken = await other('POST', '/v1/instances/heartbeat', { ...beat('shared-id', 1) });
    expect(spoken.status).toBe(403);
    const forged = await other('POST', '/v1/instances/heartbeat', {
      ...beat('shared-id', 1),
      app: OTHER_APP_ID,
      host: 'forged',
      producerEpochs: { [topic]: 1 },
      consumerGroups: { [topic]: ['forged-group'] },
    });
    expect(forged.status).toBe(200);
    expect(forged.body).toMatchObject({
      ignored: [
        { field: 'appliedEpochs', topic },
        { field: 'producerEpochs', topic },
        { field: 'consumerGroups', topic },
      ],
    });

    const live = (
      await sre<
        Array<{
          instanceId: string;
          app: string;
          host: string;
          appliedEpochs: object;
          producerEpochs: object;
          consumerGroups: object;
        }>
      >('GET', '/v1/instances')
    ).body.filter((i) => i.instanceId === 'shared-id');
    expect(live.map((i) => `${i.app} on ${i.host}`).sort()).toEqual([
      `${OTHER_APP_ID} on forged`,
      `${APP_ID} on host-shared-id`,
    ]);
    expect(live.find((i) => i.app === OTHER_APP_ID)).toMatchObject({
      appliedEpochs: {},
      producerEpochs: {},
      consumerGroups: {},
    });
    expect(live.find((i) => i.app === APP_ID)).toMatchObject({ appliedEpochs: { [topic]: 2 } });
    const metrics = await sre<string>('GET', '/metrics');
    expect(metrics.body).toMatch(/^kafka_fleet_heartbeat_claims_ignored_total 3$/m);
  });

  it('accepts what real groups look like (a Kafka group id, 3,000 owned partitions, a 255-character host) and refuses the rest loudly', async () => {
    const app = client(service.url, harness.tokens.app);
    const sre = client(service.url, harness.tokens.operator);
    const group = 'orders:v2/indexer';
    const report = {
      state: 'stable',
      backend: 'rdkafka',
      staticMembership: true,
      rebalancesLastMinute: 0,
      rebalancesTotal: 1,
      secondsWithoutAssignment: 0,
      storm: false,
      assigned: [
        {
          topic: readTopic,
          clusterId: 'alpha',
          physicalTopic: readTopic,
          partitions: Array.from({ length: 3000 }, (_, p) => p),
        },
      ],
    };
    const big = {
      ...beat('big-member', 1),
      appliedEpochs: {},
      host: 'h'.repeat(255),
      consumerGroups: { [readTopic]: [group] },
      groupStates: { [group]: report },
    };
    const accepted = await app('POST', '/v1/instances/heartbeat', big);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ ignored: [] });
    const live = await sre<
      Array<{ instanceId: string; groupStates: Record<string, { assignment: unknown[] }> }>
    >('GET', '/v1/instances');
    const member = live.body.find((i) => i.instanceId === 'big-member');
    expect(member?.groupStates[group].assignment).toHaveLength(3000);
    expect(member?.groupStates[group].assignment[2999]).toEqual({
      topic: readTopic,
      clusterId: 'alpha',
      physicalTopic: readTopic,
      partition: 2999,
    });

    // A control character in a group id is refused: 400 naming the field, counted, the lease untouched.
    const refused = await app('POST', '/v1/instances/heartbeat', {
      ...big,
      groupStates: { 'bad\u0007group': report },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('groupStates');
    const metrics = await sre<string>('GET', '/metrics');
    expect(metrics.body).toMatch(/^kafka_fleet_heartbeats_rejected_total 1$/m);
  });
});
