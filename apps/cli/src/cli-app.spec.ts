import { runCli, type CliDeps } from './cli-app';
import type { ConfigFs } from './config/config-resolver';
import { EXIT } from './errors/exit-codes';
import type { Clock } from './framework/clock';
import { MODULES, commandsOf } from './framework/command-registry';
import { GLOBAL_OPTIONS } from './framework/global-options';
import type { HttpRequest, HttpTransport } from './http/http-transport';

const TOKEN = 'op-token-that-must-never-be-printed';
const stamp = { version: 1, createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z' };
const cluster = (id: string) => ({
  id,
  bootstrapServers: [`${id}:9092`],
  region: 'local',
  environment: 'dev',
  status: 'active',
  tags: {},
  capacity: {},
  security: { protocol: 'PLAINTEXT' },
  ...stamp,
});

/** Answers by "METHOD path"; records every request. The CLI's only I/O seam, so nothing else is faked. */
function fakeTransport(
  routes: Record<string, [number, unknown]>,
): HttpTransport & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    requests,
    async send(request) {
      requests.push(request);
      const url = new URL(request.url);
      const route =
        routes[`${request.method} ${url.pathname}${url.search}`] ??
        routes[`${request.method} ${url.pathname}`];
      if (!route)
        return { status: 404, text: JSON.stringify({ error: { code: 'NOT_FOUND', message: 'no route' } }) };
      return { status: route[0], text: JSON.stringify(route[1]) };
    },
    open: () => Promise.reject(new Error('no streams in this test')),
  };
}

const noFiles: ConfigFs = { readText: () => undefined, permissions: () => undefined };
const clock: Clock = { now: () => Date.parse('2025-01-01T00:01:00.000Z'), sleep: async () => undefined };

async function cli(argv: string, routes: Record<string, [number, unknown]>, extra: Partial<CliDeps> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const transport = fakeTransport(routes);
  const code = await runCli({
    argv: argv.split(' ').filter(Boolean),
    env: { KAFKA_FLEET_URL: 'http://fleet.test:8080', KAFKA_FLEET_TOKEN: TOKEN },
    homeDir: '/home/sre',
    stdout: { write: (t: string) => stdout.push(t), isTTY: false },
    stderr: { write: (t: string) => stderr.push(t), isTTY: false },
    fs: noFiles,
    transport,
    clock,
    signal: new AbortController().signal,
    modules: MODULES,
    ...extra,
  });
  return { code, stdout: stdout.join(''), stderr: stderr.join(''), requests: transport.requests };
}

describe('fleet runner', () => {
  it('--json prints the raw items of every page, each once, sorted', async () => {
    const run = await cli('clusters list --json', {
      'GET /v1/clusters?cursor=0&limit=1000': [
        200,
        { items: [cluster('beta'), cluster('alpha')], nextCursor: '17' },
      ],
      'GET /v1/clusters?cursor=17&limit=1000': [
        200,
        { items: [cluster('alpha'), cluster('gamma')], nextCursor: '0' },
      ],
    });
    expect(run.code).toBe(EXIT.ok);
    expect(JSON.parse(run.stdout)).toEqual([cluster('alpha'), cluster('beta'), cluster('gamma')]);
    expect(run.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
  });

  it('prints a human table without colour when stdout is not a terminal', async () => {
    const run = await cli('clusters list', {
      'GET /v1/clusters': [200, { items: [cluster('alpha')], nextCursor: '0' }],
    });
    expect(run.stdout).toBe(
      'ID     STATUS  ENV  REGION  BOOTSTRAP   VERSION  UPDATED\n' +
        'alpha  active  dev  local   alpha:9092        1  1m ago\n',
    );
  });

  it('answers a usage error with the command help on stderr, exit 2, and no request', async () => {
    const run = await cli('topics onboard orders --partitions 3 --owner team', {});
    expect(run.code).toBe(EXIT.usage);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^error: --cluster is required\n\nUsage: fleet topics onboard <name> --cluster <id>/,
    );
    expect(run.requests).toHaveLength(0);
  });

  it('refuses flags that only make sense with another flag, before any request', async () => {
    const run = await cli('topics placement orders --wait', {});
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toMatch(
      /^error: --wait only applies with --set <cluster>\n\nUsage: fleet topics placement/,
    );
    expect(run.requests).toHaveLength(0);
  });

  it('reports the service refusal in one line and exits by its code', async () => {
    const run = await cli('topics get ghost', {
      'GET /v1/topics/ghost': [
        404,
        { error: { code: 'NOT_FOUND', message: 'topic "ghost" does not exist' } },
      ],
    });
    expect(run.code).toBe(EXIT.notFound);
    expect(run.stderr).toBe('error: HTTP 404 NOT_FOUND: topic "ghost" does not exist\n');
  });

  it('never prints the token, whatever happens', async () => {
    const routes: Record<string, [number, unknown]> = {
      'GET /v1/whoami': [200, { name: 'sre', role: 'operator' }],
      'GET /v1/clusters': [401, { error: { code: 'UNAUTHENTICATED', message: 'unknown or revoked token' } }],
    };
    const runs = [
      await cli('whoami', routes),
      await cli('whoami --json', routes),
      await cli('clusters list', routes),
      await cli(`clusters list --token ${TOKEN}x`, routes),
      await cli('clusters list --timeout-ms nope', routes),
    ];
    expect(runs.map((r) => r.code)).toEqual([EXIT.ok, EXIT.ok, EXIT.auth, EXIT.auth, EXIT.usage]);
    for (const run of runs) expect(run.stdout + run.stderr).not.toContain(TOKEN);
    expect(runs[0].stdout).toContain('token from:   env');
  });

  it('exits 6 when the service is alive but not ready', async () => {
    const run = await cli('health', {
      'GET /health/live': [200, { status: 'ok' }],
      'GET /health/ready': [503, { status: 'unavailable', redis: true, kafka: false }],
    });
    expect(run.code).toBe(EXIT.unavailable);
    expect(run.stdout).toContain('kafka:  unavailable');
  });

  it('warns about a config file others can read', async () => {
    const fs: ConfigFs = {
      readText: () => JSON.stringify({ url: 'http://fleet.test' }),
      permissions: () => 0o644,
    };
    const run = await cli('whoami', { 'GET /v1/whoami': [200, { name: 'sre', role: 'operator' }] }, { fs });
    expect(run.stderr).toMatch(
      /^warning: config file \/home\/sre\/.config\/kafka-fleet\/cli.json is readable by group or others/,
    );
  });

  it('says so when a 2xx body is not what the contracts describe', async () => {
    const run = await cli('topics get t', { 'GET /v1/topics/t': [200, { name: 't' }] });
    expect(run.code).toBe(EXIT.unexpected);
    expect(run.stderr).toMatch(/answered a shape this CLI does not know/);
  });
});

describe('fleet groups', () => {
  const report = {
    state: 'paused',
    backend: 'rdkafka',
    staticMembership: true,
    assignment: [{ topic: 'orders', clusterId: 'alpha', physicalTopic: 'orders.v1', partition: 0 }],
    rebalancesLastMinute: 1,
    rebalancesTotal: 1,
    secondsWithoutAssignment: 0,
    storm: false,
  };
  const view = {
    id: 'indexer',
    paused: true,
    members: [{ instanceId: 'pod-0', app: 'billing', host: 'h', report }],
    partitions: [
      {
        topic: 'orders',
        clusterId: 'alpha',
        physicalTopic: 'orders.v1',
        partition: 0,
        committed: '90',
        end: '100',
        lag: 10,
        owner: 'pod-0',
      },
      {
        topic: 'orders',
        clusterId: 'alpha',
        physicalTopic: 'orders.v1',
        partition: 1,
        committed: null,
        end: '7',
        lag: 7,
      },
    ],
    totalLag: 17,
    rebalancesLastMinute: 1,
    storm: false,
  };

  it('shows members, each partition with its owner and lag, and the total', async () => {
    const run = await cli('groups get indexer', { 'GET /v1/groups/indexer': [200, view] });
    expect(run.code).toBe(EXIT.ok);
    const lines = run.stdout.split('\n');
    expect(lines.some((l) => /total lag:\s+17/.test(l))).toBe(true);
    expect(lines.some((l) => /pod-0\s+billing\s+paused\s+rdkafka\s+yes\s+1/.test(l))).toBe(true);
    expect(lines.some((l) => /orders\s+alpha\s+0\s+90\s+100\s+10\s+pod-0/.test(l))).toBe(true);
    expect(lines.some((l) => /orders\s+alpha\s+1\s+-\s+7\s+7\s+-/.test(l))).toBe(true);
  });

  it('pauses a group with a POST to the service', async () => {
    const control = { ...stamp, id: 'indexer', paused: true, version: 2, updatedBy: 'sre' };
    const run = await cli('groups pause indexer', { 'POST /v1/groups/indexer/pause': [200, control] });
    expect(run.code).toBe(EXIT.ok);
    expect(run.requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      'POST /v1/groups/indexer/pause',
    ]);
    expect(run.stdout).toContain('group indexer paused');
  });
});

describe('fleet shuffle eras', () => {
  const era = {
    epoch: 1,
    clusterId: 'alpha',
    physicalTopic: 'orders',
    fence: { '0': '90' },
    migrationId: 'm1',
    endedAt: '2025-01-01T00:00:00.000Z',
    groups: [
      { group: 'indexer', standing: 'passed', unread: '0' },
      { group: 'nightly', standing: 'behind', unread: '42' },
    ],
  };

  it('lists each era with every group and what it has not read', async () => {
    const run = await cli('shuffle eras orders', { 'GET /v1/topics/orders/eras': [200, [era]] });
    expect(run.code).toBe(EXIT.ok);
    const lines = run.stdout.split('\n');
    expect(lines.some((l) => /1\s+alpha\/orders\s+nightly\s+behind\s+42/.test(l))).toBe(true);
    expect(lines.some((l) => /1\s+alpha\/orders\s+indexer\s+passed\s+0/.test(l))).toBe(true);
  });

  it('retires only with --force when a group is behind, and says what was dropped', async () => {
    const refusal = {
      error: { code: 'CONFLICT', message: 'era 1 still has unread records', retriable: false },
    };
    const refused = await cli('shuffle retire-era orders 1', {
      'DELETE /v1/topics/orders/eras/1': [409, refusal],
    });
    expect(refused.code).toBe(EXIT.conflict);
    expect(refused.stderr).toContain('unread records');
    const done = { retired: era, deletedTopic: true, groupsBehind: [{ group: 'nightly', unread: '42' }] };
    const forced = await cli('shuffle retire-era orders 1 --force', {
      'DELETE /v1/topics/orders/eras/1?force=true': [200, done],
    });
    expect(forced.code).toBe(EXIT.ok);
    expect(forced.stdout).toContain('era 1 of orders retired; alpha/orders deleted');
    expect(forced.stdout).toContain('dropped for nightly: 42 unread record(s)');
  });
});

describe('command registry', () => {
  const commands = commandsOf(MODULES);

  it('has unique command paths', () => {
    const paths = commands.map((c) => c.path.join(' '));
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('never redefines a global flag in a command', () => {
    for (const command of commands) {
      for (const name of Object.keys(command.options ?? {}))
        expect(Object.keys(GLOBAL_OPTIONS)).not.toContain(name);
    }
  });

  it('gives no command a path that is a prefix of another (the parser picks the longest)', () => {
    for (const a of commands) {
      for (const b of commands) {
        if (a !== b && a.path.length < b.path.length) {
          expect(b.path.slice(0, a.path.length)).not.toEqual(a.path);
        }
      }
    }
  });
});
