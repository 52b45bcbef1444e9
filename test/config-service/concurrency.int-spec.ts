import { twoClusters } from '../support/stack-harness';
import { client, ConfigServiceHarness, type ServiceUnderTest } from './support/config-service-harness';
import { clusterBody } from './fixtures';

const harness = new ConfigServiceHarness(3);
const [alpha] = twoClusters();
let a: ServiceUnderTest;
let b: ServiceUnderTest;

beforeAll(async () => {
  await harness.flush();
  [a, b] = await Promise.all([harness.start(), harness.start()]);
});
afterAll(() => Promise.all([a.app.close(), b.app.close()]));

describe('compare-and-set under concurrent writers', () => {
  it('two writers with the same version through two replicas: exactly one wins, the other gets 409', async () => {
    const sreA = client(a.url, harness.tokens.operator);
    const sreB = client(b.url, harness.tokens.operator);
    await sreA('POST', '/v1/clusters', clusterBody(alpha));
    const [first, second] = await Promise.all([
      sreA('PUT', '/v1/clusters/alpha', { ...clusterBody(alpha), status: 'draining', version: 1 }),
      sreB('PUT', '/v1/clusters/alpha', { ...clusterBody(alpha), status: 'maintenance', version: 1 }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const winner = first.status === 200 ? 'draining' : 'maintenance';
    expect((await sreB('GET', '/v1/clusters/alpha')).body).toMatchObject({ status: winner, version: 2 });
  });

  it('twenty racing writers: one success, nineteen conflicts, one version bump, one audit entry', async () => {
    const sre = client(a.url, harness.tokens.operator);
    await sre('POST', '/v1/apps', { id: 'race', owner: 'o' });
    const before = (await sre<Array<unknown>>('GET', '/v1/audit?entity=race&limit=1000')).body.length;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sre('PUT', '/v1/apps/race', { id: 'race', owner: `owner-${i}`, version: 1 }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(19);
    expect((await sre('GET', '/v1/apps/race')).body).toMatchObject({ version: 2 });
    expect((await sre<Array<unknown>>('GET', '/v1/audit?entity=race&limit=1000')).body.length).toBe(
      before + 1,
    );
  });
});
