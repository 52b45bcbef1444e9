import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminFor, twoClusters } from '../support/stack-harness';
import {
  APP_ID,
  client,
  ConfigServiceHarness,
  type ServiceUnderTest,
} from '../config-service/support/config-service-harness';
import { topicName } from '../config-service/fixtures';
import { FleetProcess, type FleetRun } from './support/fleet-process';

/**
 * The real `fleet` binary against a real config service (Redis DB 10) and the real Kafka
 * clusters: every assertion is on what an operator sees (exit code, stdout, stderr).
 */
const harness = new ConfigServiceHarness(10);
const [alpha, beta] = twoClusters();
const topic = topicName('cli');
const home = mkdtempSync(join(tmpdir(), 'fleet-cli-'));
const configFile = join(home, 'cli.json');
let service: ServiceUnderTest;

const secrets = () => Object.values(harness.tokens);

/** The environment of an operator's shell: only the config file says where and who. */
function env(extra: Record<string, string> = {}): Record<string, string> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => !entry[0].startsWith('KAFKA_FLEET_') && entry[1] !== undefined,
    ),
  );
  return { ...inherited, HOME: home, KAFKA_FLEET_CONFIG: configFile, ...extra };
}

const start = (args: string[], extra: Record<string, string> = {}) =>
  new FleetProcess(args, env(extra), secrets());
const fleet = (args: string[], extra: Record<string, string> = {}): Promise<FleetRun> =>
  start(args, extra).exited;

async function ok(args: string[]): Promise<string> {
  const run = await fleet(args);
  expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: '' });
  return run.stdout;
}

const heartbeat = (instanceId: string, epoch: number) =>
  client(service.url, harness.tokens.app)('POST', '/v1/instances/heartbeat', {
    instanceId,
    app: APP_ID,
    host: `host-${instanceId}`,
    backend: 'kafkajs',
    configVersion: 1,
    appliedEpochs: { [topic]: epoch },
    leaseMs: 120_000,
  });

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  await harness.flush();
  service = await harness.start();
  const config = {
    currentContext: 'e2e',
    contexts: { e2e: { url: service.url, token: harness.tokens.operator } },
  };
  writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });
});
afterAll(async () => {
  await service.app.close();
  rmSync(home, { recursive: true, force: true });
});

describe('fleet CLI end to end', () => {
  it('acts as the principal of the config-file context and never prints its token', async () => {
    const who = await ok(['whoami']);
    expect(who).toMatch(/context:\s+e2e\n/);
    expect(who).toMatch(/token from:\s+config file\n/);
    expect(who).toMatch(/principal:\s+sre\n/);
    expect(who).toMatch(/role:\s+operator\n/);
    expect(who).not.toContain(harness.tokens.operator);
    expect(JSON.parse(await ok(['whoami', '--json']))).toEqual({ name: 'sre', role: 'operator' });
    expect(await ok(['health'])).toMatch(/ready:\s+ok\n/);
  });

  it('registers both clusters and lists them', async () => {
    await ok([
      'clusters',
      'add',
      '--id',
      'alpha',
      '--bootstrap',
      alpha.bootstrapServers.join(','),
      '--tag',
      'tier=gold',
    ]);
    await ok([
      'clusters',
      'add',
      '--id',
      'beta',
      '--bootstrap',
      beta.bootstrapServers.join(','),
      '--region',
      'local',
    ]);
    const table = (await ok(['clusters', 'list'])).split('\n');
    expect(table[0]).toMatch(/^ID\s+STATUS\s+ENV\s+REGION\s+BOOTSTRAP\s+VERSION\s+UPDATED$/);
    expect(table[1]).toMatch(
      new RegExp(`^alpha\\s+active\\s+dev\\s+local\\s+${alpha.bootstrapServers.join(',')}\\s+1\\s`),
    );
    expect(table[2]).toMatch(/^beta\s+active/);
    const listed = JSON.parse(await ok(['clusters', 'list', '--json'])) as Array<{
      id: string;
      bootstrapServers: string[];
    }>;
    expect(listed.map((c) => [c.id, c.bootstrapServers])).toEqual([
      ['alpha', [...alpha.bootstrapServers]],
      ['beta', [...beta.bootstrapServers]],
    ]);
  });

  it('onboards a topic that really exists on Kafka afterwards', async () => {
    const out = await ok([
      'topics',
      'onboard',
      topic,
      '--cluster',
      'alpha',
      '--partitions',
      '3',
      '--owner',
      'payments',
    ]);
    expect(out).toBe(`topic ${topic} onboarded on alpha as ${topic} (3 partitions, rf 3, epoch 1)\n`);
    const admin = adminFor(alpha);
    await admin.connect();
    try {
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(metadata.partitions.map((p) => p.replicas.length)).toEqual([3, 3, 3]);
    } finally {
      await admin.disconnect();
    }
    expect(await ok(['topics', 'list'])).toMatch(
      new RegExp(
        `\\n${topic.replace(/\./g, '\\.')}\\s+alpha\\s+${topic.replace(/\./g, '\\.')}\\s+3\\s+3\\s+1\\s+stable\\s+payments\\n`,
      ),
    );
  });

  it('exits 7 with the field reasons when the service refuses the input', async () => {
    const bad = await fleet([
      'topics',
      'onboard',
      'bad name!',
      '--cluster',
      'alpha',
      '--partitions',
      '0',
      '--owner',
      'x',
    ]);
    expect(bad.code).toBe(7);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^error: HTTP 400 INVALID_ARGUMENT: invalid request body: /);
    expect(bad.stderr).toContain('\n  partitions: must be at least 1\n');
    expect(bad.stderr).toMatch(/\n {2}name: .*letters/);
    const ghost = await fleet([
      'topics',
      'onboard',
      `${topic}.x`,
      '--cluster',
      'ghost',
      '--partitions',
      '1',
      '--owner',
      'x',
    ]);
    expect(ghost.code).toBe(7);
    expect(ghost.stderr).toContain('clusterId: cluster "ghost" does not exist');
  });

  it('exits 4 on a conflict, 3 on an unknown topic, 2 on a usage error (with that command’s help)', async () => {
    const again = await fleet([
      'topics',
      'onboard',
      topic,
      '--cluster',
      'alpha',
      '--partitions',
      '3',
      '--owner',
      'payments',
    ]);
    expect([again.code, again.stderr]).toEqual([
      4,
      `error: HTTP 409 CONFLICT: topic "${topic}" already exists\n`,
    ]);
    const missing = await fleet(['topics', 'get', 'no.such.topic']);
    expect([missing.code, missing.stderr]).toEqual([
      3,
      'error: HTTP 404 NOT_FOUND: topic "no.such.topic" does not exist\n',
    ]);
    const usage = await fleet(['topics', 'onboard', 'x', '--partitions', '2', '--owner', 'y']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(
      /^error: --cluster is required\n\nUsage: fleet topics onboard <name> --cluster <id>/,
    );
  });

  it('exits 5 for a wrong token (flag beats config file) or a role that may not', async () => {
    const wrong = 'wrong-token-0123456789';
    const refused = await fleet(['clusters', 'list', '--token', wrong]);
    expect([refused.code, refused.stderr]).toEqual([
      5,
      'error: HTTP 401 UNAUTHENTICATED: unknown or revoked token\n',
    ]);
    const appToken = await fleet(['clusters', 'list'], { KAFKA_FLEET_TOKEN: harness.tokens.app });
    expect(appToken.code).toBe(5);
    expect(appToken.stderr).toMatch(/^error: HTTP 403 FORBIDDEN: role "app" may not GET \/v1\/clusters\n$/);
    expect(refused.stderr + appToken.stderr).not.toContain(harness.tokens.app);
  });

  it('exits 6 when the service cannot be reached', async () => {
    const run = await fleet(['health', '--url', `http://127.0.0.1:${await closedPort()}`]);
    expect(run.code).toBe(6);
    expect(run.stderr).toMatch(/^error: cannot reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });

  it('creates an app and resolves the topic the way the app sees it', async () => {
    await ok([
      'apps',
      'create',
      APP_ID,
      '--owner',
      'payments',
      '--produce',
      topic,
      '--override',
      'lingerMs=5',
    ]);
    const app = JSON.parse(await ok(['apps', 'get', APP_ID, '--json'])) as Record<string, unknown>;
    expect(app).toMatchObject({
      id: APP_ID,
      topics: { [topic]: { produce: true, consume: false } },
      configOverrides: { lingerMs: 5 },
    });
    const resolved = await ok(['resolve', APP_ID, topic]);
    expect(resolved).toMatch(/cluster:\s+alpha\n/);
    expect(resolved).toMatch(new RegExp(`bootstrap:\\s+${alpha.bootstrapServers.join(',')}\\n`));
    expect(resolved).toMatch(/epoch:\s+1\n/);
  });

  it('shows who lags after a placement change, and --wait follows them until they catch up', async () => {
    expect((await heartbeat('i-1', 1)).status).toBe(200);
    expect((await heartbeat('i-2', 1)).status).toBe(200);
    expect(await ok(['topics', 'placement', topic, '--set', 'beta', '--yes'])).toBe(
      `topic ${topic} now on beta as ${topic}, epoch 2 (was alpha, epoch 1)\n`,
    );
    const table = (await ok(['instances', 'list', '--app', APP_ID])).split('\n');
    expect(table[0]).toMatch(/^INSTANCE\s+APP\s+HOST\s+BACKEND\s+CONFIG\s+EPOCHS\s+LAGGING\s+LAST SEEN$/);
    for (const [i, id] of ['i-1', 'i-2'].entries()) {
      expect(table[i + 1]).toMatch(
        new RegExp(
          `^${id}\\s+${APP_ID}\\s+host-${id}\\s+kafkajs\\s+v1\\s+\\S+@1\\s+yes: ${topic.replace(/\./g, '\\.')}\\s`,
        ),
      );
    }
    expect(table).toContain('2 instance(s), 2 lagging');
    const views = JSON.parse(await ok(['instances', 'list', '--lagging', '--json'])) as Array<{
      instanceId: string;
      lagging: string[];
    }>;
    expect(views.map((v) => [v.instanceId, v.lagging]).sort()).toEqual([
      ['i-1', [topic]],
      ['i-2', [topic]],
    ]);

    const waiting = start([
      'topics',
      'placement',
      topic,
      '--set',
      'alpha',
      '--yes',
      '--wait',
      '--wait-timeout-ms',
      '60000',
    ]);
    await waiting.waitForOutput(
      /phase="waiting for instances" instances_on_epoch_3=0\/2 behind="(i-1, i-2|i-2, i-1)"/,
    );
    await heartbeat('i-1', 3);
    await waiting.waitForOutput(/instances_on_epoch_3=1\/2 behind=i-2/);
    await heartbeat('i-2', 3);
    const done = await waiting.exited;
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/phase=applied instances_on_epoch_3=2\/2 elapsed=/);
    expect(await ok(['instances', 'list', '--lagging'])).toBe('no lagging instances\n');
  });

  it('shows the placement with the partition metadata synced from Kafka', async () => {
    expect(await ok(['clusters', 'sync', 'alpha'])).toMatch(/^synced 1 topic\(s\) on alpha at /);
    const out = await ok(['topics', 'placement', topic]);
    expect(out).toMatch(/cluster:\s+alpha\n/);
    expect(out).toMatch(/epoch:\s+3\n/);
    const rows = out.split('\n').filter((line) => /^\s+\d+\s+\d+\s+\d,\d,\d\s/.test(line));
    expect(rows).toHaveLength(3);
  });

  it('audit tail shows every mutation, by whom, oldest first; --json parses', async () => {
    const lines = (await ok(['audit', 'tail', '--limit', '50'])).trimEnd().split('\n');
    const summary = lines.map((l) => l.split(/\s+/).slice(1, 5).join(' '));
    expect(summary).toEqual([
      'sre create cluster alpha',
      'sre create cluster beta',
      `sre create topic ${topic}`,
      `sre create app ${APP_ID}`,
      `sre update topic ${topic}`,
      `sre update topic ${topic}`,
    ]);
    const entries = JSON.parse(await ok(['audit', 'tail', '--json', '--kind', 'topic'])) as Array<{
      action: string;
      detail?: { epoch?: number };
    }>;
    expect(entries.map((e) => [e.action, e.detail?.epoch])).toEqual([
      ['create', undefined],
      ['update', 2],
      ['update', 3],
    ]);
  });

  it('audit tail --follow prints new mutations as they happen, over the watch stream or by polling', async () => {
    // A poll interval of ten minutes: only the watch stream can wake this one in time.
    const watching = start(['audit', 'tail', '--follow', '--limit', '1', '--interval-ms', '600000']);
    const polling = start([
      'audit',
      'tail',
      '--follow',
      '--limit',
      '1',
      '--poll',
      '--interval-ms',
      '300',
      '--json',
    ]);
    await watching.waitForOutput(/update\s+topic/);
    await polling.waitForOutput(/"action":"update"/);
    await new Promise((r) => setTimeout(r, 1000)); // let the watcher open its stream
    await ok(['apps', 'create', 'ledger-api', '--owner', 'ledger']);
    await watching.waitForOutput(/sre\s+create\s+app\s+ledger-api v\d+\n/);
    await polling.waitForOutput(/"entity":"ledger-api"/);
    watching.child.kill('SIGINT');
    polling.child.kill('SIGINT');
    const [w, p] = await Promise.all([watching.exited, polling.exited]);
    expect([w.code, w.stderr, p.code, p.stderr]).toEqual([0, '', 0, '']);
    const records = p.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { entity: string });
    expect(records.map((r) => r.entity)).toEqual([topic, 'ledger-api']);
  });

  it('warns when the config file is readable by others', async () => {
    chmodSync(configFile, 0o644);
    try {
      const run = await fleet(['whoami']);
      expect(run.code).toBe(0);
      expect(run.stderr).toBe(
        `warning: config file ${configFile} is readable by group or others (mode 0644); it may hold tokens: chmod 600 ${configFile}\n`,
      );
    } finally {
      chmodSync(configFile, 0o600);
    }
  });
});
