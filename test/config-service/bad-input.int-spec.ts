import { twoClusters } from '../support/stack-harness';
import { client, ConfigServiceHarness, type ServiceUnderTest } from './support/config-service-harness';
import { clusterBody, topicName } from './fixtures';

const harness = new ConfigServiceHarness(2);
const [alpha] = twoClusters();
let service: ServiceUnderTest;
let sre: ReturnType<typeof client>;
const existingTopic = topicName('kept');

beforeAll(async () => {
  await harness.flush();
  service = await harness.start();
  sre = client(service.url, harness.tokens.operator);
  await sre('POST', '/v1/clusters', clusterBody(alpha));
  await sre('POST', '/v1/topics', {
    name: existingTopic,
    owner: 'payments',
    partitions: 3,
    clusterId: 'alpha',
  });
  await sre('POST', '/v1/apps', {
    id: 'payments-api',
    owner: 'payments',
    topics: { [existingTopic]: { produce: true } },
  });
});
afterAll(() => service.app.close());

/** Everything the store holds, to prove a refused request changed nothing. */
async function storeState() {
  const [clusters, topics, apps, audit] = await Promise.all(
    ['/v1/clusters', '/v1/topics', '/v1/apps', '/v1/audit?limit=1000'].map((p) => sre('GET', p)),
  );
  return { clusters: clusters.body, topics: topics.body, apps: apps.body, audit: audit.body };
}

type Case = [label: string, method: string, path: string, body: unknown, status: number, field?: string];
const long = 'a'.repeat(250);
const cases: Case[] = [
  [
    'topic name with a space',
    'POST',
    '/v1/topics',
    { name: 'bad name', owner: 'o', partitions: 1, clusterId: 'alpha' },
    400,
    'name',
  ],
  [
    'topic name "."',
    'POST',
    '/v1/topics',
    { name: '.', owner: 'o', partitions: 1, clusterId: 'alpha' },
    400,
    'name',
  ],
  [
    'topic name ".."',
    'POST',
    '/v1/topics',
    { name: '..', owner: 'o', partitions: 1, clusterId: 'alpha' },
    400,
    'name',
  ],
  [
    'topic name of 250 chars',
    'POST',
    '/v1/topics',
    { name: long, owner: 'o', partitions: 1, clusterId: 'alpha' },
    400,
    'name',
  ],
  [
    'zero partitions',
    'POST',
    '/v1/topics',
    { name: 'ok.name', owner: 'o', partitions: 0, clusterId: 'alpha' },
    400,
    'partitions',
  ],
  [
    'fractional partitions',
    'POST',
    '/v1/topics',
    { name: 'ok.name', owner: 'o', partitions: 1.5, clusterId: 'alpha' },
    400,
    'partitions',
  ],
  [
    'topic on an unknown cluster',
    'POST',
    '/v1/topics',
    { name: 'ok.name', owner: 'o', partitions: 1, clusterId: 'nowhere' },
    400,
    'clusterId',
  ],
  [
    'unknown field',
    'POST',
    '/v1/topics',
    { name: 'ok.name', owner: 'o', partitions: 1, clusterId: 'alpha', colour: 'red' },
    400,
  ],
  [
    'existing topic',
    'POST',
    '/v1/topics',
    { name: existingTopic, owner: 'o', partitions: 3, clusterId: 'alpha' },
    409,
  ],
  [
    'bootstrap without port',
    'POST',
    '/v1/clusters',
    { id: 'c1', bootstrapServers: ['broker-1'] },
    400,
    'bootstrapServers.0',
  ],
  [
    'bootstrap port 70000',
    'POST',
    '/v1/clusters',
    { id: 'c1', bootstrapServers: ['b:70000'] },
    400,
    'bootstrapServers.0',
  ],
  [
    'empty bootstrap list',
    'POST',
    '/v1/clusters',
    { id: 'c1', bootstrapServers: [] },
    400,
    'bootstrapServers',
  ],
  [
    'repeated broker',
    'POST',
    '/v1/clusters',
    { id: 'c1', bootstrapServers: ['b:1', 'b:1'] },
    400,
    'bootstrapServers',
  ],
  ['cluster id with capitals', 'POST', '/v1/clusters', { id: 'Alpha', bootstrapServers: ['b:1'] }, 400, 'id'],
  [
    'a password in place of a secret reference',
    'POST',
    '/v1/clusters',
    { id: 'c1', bootstrapServers: ['b:1'], security: { protocol: 'SASL_SSL', password: 'hunter2' } },
    400,
  ],
  ['existing cluster', 'POST', '/v1/clusters', clusterBody(alpha), 409],
  [
    'override outside guardrails',
    'POST',
    '/v1/apps',
    { id: 'a1', owner: 'o', configOverrides: { lingerMs: 50_000 } },
    400,
    'configOverrides.lingerMs',
  ],
  [
    'override of acks (platform-owned)',
    'POST',
    '/v1/apps',
    { id: 'a1', owner: 'o', configOverrides: { acks: 1 } },
    400,
    'configOverrides.acks',
  ],
  [
    'topic access with neither produce nor consume',
    'POST',
    '/v1/apps',
    { id: 'a1', owner: 'o', topics: { t: {} } },
    400,
    'topics.t',
  ],
  ['update with a stale version', 'PATCH', `/v1/topics/${existingTopic}`, { version: 0, owner: 'x' }, 409],
  ['update of a missing topic', 'PATCH', '/v1/topics/missing.topic', { version: 1, owner: 'x' }, 404],
  [
    'cluster id mismatch',
    'PUT',
    '/v1/clusters/alpha',
    { ...clusterBody(alpha), id: 'other', version: 1 },
    400,
    'id',
  ],
  ['malformed JSON', 'POST', '/v1/clusters', '{"id": ', 400],
  [
    'a body over the size limit',
    'POST',
    '/v1/clusters',
    { id: 'c1', bootstrapServers: ['b:1'], tags: { x: 'y'.repeat(300_000) } },
    413,
  ],
  ['bad limit', 'GET', '/v1/topics?limit=-5', undefined, 400, 'limit'],
  ['resolve without topic', 'GET', '/v1/resolve', undefined, 400, 'topic'],
  ['deleting a cluster that still hosts topics', 'DELETE', '/v1/clusters/alpha', undefined, 409],
];

describe('bad input gets a clear 4xx and changes nothing', () => {
  // Object rows: with positional rows of varying length Jest would pass `done` as the last argument.
  const rows = cases.map(([label, method, path, body, status, field]) => ({
    label,
    method,
    path,
    body,
    status,
    field,
  }));
  it.each(rows)('$label', async ({ method, path, body, status, field }) => {
    const before = await storeState();
    const who = method === 'DELETE' ? client(service.url, harness.tokens.admin) : sre;
    const res = await who<{
      error: { code: string; message: string; fields?: Array<{ path: string; reason: string }> };
    }>(method, path, body);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toEqual(expect.any(String));
    expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.(ts|js):\d+/); // no stack traces
    if (field) expect(res.body.error.fields?.map((f) => f.path)).toContain(field);
    expect(await storeState()).toEqual(before);
  });

  it('answers a stale write with the current version so the caller can re-read', async () => {
    const res = await sre<{ error: { currentVersion: number } }>('PATCH', `/v1/topics/${existingTopic}`, {
      version: 0,
      owner: 'x',
    });
    expect(res.body.error.currentVersion).toBe(1);
  });
});
