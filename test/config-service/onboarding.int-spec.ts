import { adminFor, createTopic, twoClusters } from '../support/stack-harness';
import { client, ConfigServiceHarness, type ServiceUnderTest } from './support/config-service-harness';
import { clusterBody, topicName } from './fixtures';

const harness = new ConfigServiceHarness(1);
const [alpha, beta] = twoClusters();
let service: ServiceUnderTest;
let sre: ReturnType<typeof client>;

beforeAll(async () => {
  await harness.flush();
  service = await harness.start();
  sre = client(service.url, harness.tokens.operator);
  expect((await sre('POST', '/v1/clusters', clusterBody(alpha))).status).toBe(201);
  expect((await sre('POST', '/v1/clusters', clusterBody(beta))).status).toBe(201);
});
afterAll(() => service.app.close());

async function physicalTopic(clusterName: 'alpha' | 'beta', name: string) {
  const admin = adminFor(clusterName === 'alpha' ? alpha : beta);
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(name)) return undefined;
    return (await admin.fetchTopicMetadata({ topics: [name] })).topics[0];
  } finally {
    await admin.disconnect();
  }
}

describe('topic onboarding against the real clusters', () => {
  it('creates the physical topic on the placed cluster with the requested partitions and RF', async () => {
    const name = topicName('onboard');
    const res = await sre('POST', '/v1/topics', {
      name,
      owner: 'payments',
      partitions: 6,
      clusterId: 'alpha',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name,
      epoch: 1,
      replicationFactor: 3,
      placement: { clusterId: 'alpha', physicalTopic: name },
    });
    const meta = await physicalTopic('alpha', name);
    expect(meta?.partitions).toHaveLength(6);
    expect(meta?.partitions.every((p) => p.replicas.length === 3)).toBe(true);
    expect(await physicalTopic('beta', name)).toBeUndefined();
  });

  it('adopts an existing physical topic with the same partition count (idempotent retry)', async () => {
    const name = topicName('adopt');
    await createTopic(beta, name, 4);
    const res = await sre('POST', '/v1/topics', { name, owner: 'ledger', partitions: 4, clusterId: 'beta' });
    expect(res.status).toBe(201);
    const audit = await sre<Array<{ detail: { physical: string } }>>('GET', `/v1/audit?entity=${name}`);
    expect(audit.body[0].detail.physical).toBe('existed');
  });

  it('refuses a physical topic with a different partition count, storing nothing', async () => {
    const name = topicName('mismatch');
    await createTopic(beta, name, 2);
    const before = await sre<Array<unknown>>('GET', '/v1/audit?limit=1000');
    const res = await sre('POST', '/v1/topics', { name, owner: 'ledger', partitions: 8, clusterId: 'beta' });
    expect(res.status).toBe(409);
    expect((await sre('GET', `/v1/topics/${name}`)).status).toBe(404);
    expect((await sre<Array<unknown>>('GET', '/v1/audit?limit=1000')).body).toHaveLength(before.body.length);
  });

  it('places on the cluster named, under a different physical name when asked', async () => {
    const name = topicName('renamed');
    const res = await sre('POST', '/v1/topics', {
      name,
      owner: 'x',
      partitions: 3,
      clusterId: 'beta',
      physicalTopic: `${name}.v2`,
    });
    expect(res.status).toBe(201);
    expect((await physicalTopic('beta', `${name}.v2`))?.partitions).toHaveLength(3);
    const resolved = await sre('GET', `/v1/resolve?topic=${name}`);
    expect(resolved.body).toMatchObject({
      clusterId: 'beta',
      physicalTopic: `${name}.v2`,
      bootstrapServers: [...beta.bootstrapServers],
    });
  });
});

describe('partition sync', () => {
  it('reports the real leaders, replicas and ISR of the live cluster', async () => {
    const name = topicName('sync');
    await sre('POST', '/v1/topics', { name, owner: 'payments', partitions: 5, clusterId: 'alpha' });
    const sync = await sre('POST', '/v1/clusters/alpha/sync');
    expect(sync.body).toMatchObject({ clusterId: 'alpha', outcome: 'ok' });
    const synced = await sre<{
      partitions: Array<{ partition: number; leader: number; replicas: number[]; isr: number[] }>;
    }>('GET', `/v1/topics/${name}/partitions`);
    const live = await physicalTopic('alpha', name);
    const expected = live!.partitions
      .map((p) => ({
        partition: p.partitionId,
        leader: p.leader,
        replicas: [...p.replicas].sort(),
        isr: [...p.isr].sort(),
      }))
      .sort((a, b) => a.partition - b.partition);
    expect(
      synced.body.partitions.map((p) => ({
        partition: p.partition,
        leader: p.leader,
        replicas: [...p.replicas].sort(),
        isr: [...p.isr].sort(),
      })),
    ).toEqual(expected);
    expect(new Set(expected.map((p) => p.leader)).size).toBeGreaterThan(1);
  });

  it('marks an unreachable cluster as a failed sync without affecting the others', async () => {
    await sre('POST', '/v1/clusters', { id: 'gone', bootstrapServers: ['127.0.0.1:1'] });
    const res = await sre('POST', '/v1/clusters/gone/sync');
    expect(res.body).toMatchObject({ clusterId: 'gone', outcome: 'error' });
    const metrics = await client(service.url)('GET', '/metrics');
    expect(String(metrics.body)).toMatch(
      /kafka_fleet_partition_sync_total\{cluster="gone",outcome="error"\} 1/,
    );
    expect(String(metrics.body)).toMatch(/kafka_fleet_partition_sync_total\{cluster="alpha",outcome="ok"\}/);
    await client(service.url, harness.tokens.admin)('DELETE', '/v1/clusters/gone');
  });
});
