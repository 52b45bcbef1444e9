import type { Migration } from '@kafka-fleet/contracts';
import { KAFKAJS_APP, ShuffleFixture, until } from '../shuffle/support/shuffle-fixture';
import { ConsumerTally, ProducerLoad, verdict } from '../shuffle/support/traffic';
import { OperatorShell } from './support/operator-shell';

/**
 * An SRE's whole session with the real `fleet` binary: register both real clusters, onboard a
 * topic, grant an app, then shuffle the topic while that app produces and consumes through the
 * library in this process, and read the story back from the audit log. Redis DB 30.
 */
const fx = new ShuffleFixture(30);
const topic = fx.topic;
const group = `${topic}.cli`;
const tally = new ConsumerTally();
const loads: ProducerLoad[] = [];
let sh: OperatorShell;
/** How many records the group had handled when the way back was done. */
let handledWhenBack = 0;

const PHASES = ['prepare', 'switch-producers', 'fence', 'drain-consumers', 'complete', 'done'];
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The `phase=` values of a followed run's log lines, each change once. */
function phasesShown(stdout: string): string[] {
  const seen = [...stdout.matchAll(/ phase=("[^"]*"|\S+)/g)].map((m) => m[1].replace(/"/g, ''));
  return seen.filter((p, i) => p !== seen[i - 1]);
}

/** Phases of one shuffle as the audit log tells them, in order, each change once. */
function auditedPhases(lines: string[], id: string): string[] {
  const marker = new RegExp(`shuffle ${escaped(id)} → (\\S+)$`);
  const seen = lines.flatMap((l) => marker.exec(l)?.[1] ?? []);
  return seen.filter((p, i) => p !== seen[i - 1]);
}

beforeAll(async () => {
  await fx.harness.flush();
  await fx.startService();
  sh = new OperatorShell(fx.service.url, fx.harness.tokens.operator, Object.values(fx.harness.tokens));
});
afterAll(async () => {
  await Promise.all(loads.map((l) => l.stop()));
  await fx.tearDown();
  sh.dispose();
});

describe('fleet shuffle end to end', () => {
  it('onboards a topic and an app through the CLI; the app produces and consumes on alpha', async () => {
    const [alpha, beta] = fx.clusters;
    await sh.ok(['clusters', 'add', '--id', 'alpha', '--bootstrap', alpha.bootstrapServers.join(',')]);
    await sh.ok(['clusters', 'add', '--id', 'beta', '--bootstrap', beta.bootstrapServers.join(',')]);
    expect(
      await sh.ok([
        'topics',
        'onboard',
        topic,
        '--cluster',
        'alpha',
        '--partitions',
        '3',
        '--owner',
        'payments',
      ]),
    ).toBe(`topic ${topic} onboarded on alpha as ${topic} (3 partitions, rf 3, epoch 1)\n`);
    await sh.ok([
      'apps',
      'create',
      KAFKAJS_APP,
      '--owner',
      'payments',
      '--produce',
      topic,
      '--consume',
      topic,
    ]);
    expect(await sh.ok(['shuffle', 'list', topic])).toBe(
      'never shuffled (start one with "fleet shuffle start")\n',
    );

    for (const name of ['p1', 'p2']) {
      const fleet = await fx.fleet(KAFKAJS_APP);
      loads.push(new ProducerLoad(name, fleet, topic, 2, 30));
    }
    for (let i = 0; i < 2; i++) {
      const fleet = await fx.fleet(KAFKAJS_APP);
      const consumer = fleet.consumer({ groupId: group });
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({ eachMessage: tally.handler() });
    }
    for (const load of loads) load.start();
    await until('traffic flowing on alpha', () => tally.seen.length > 100);
    expect(new Set(tally.seen.map((s) => s.cluster))).toEqual(new Set(['alpha']));
  });

  it('shuffle start --follow draws every phase until done and exits 0', async () => {
    const run = await sh.run([
      'shuffle',
      'start',
      topic,
      '--to',
      'beta',
      '--follow',
      '--follow-timeout-ms',
      '120000',
    ]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      new RegExp(
        `^shuffle \\S+ of ${escaped(topic)} started: alpha/${escaped(topic)} → beta/${escaped(topic)} \\(epoch 1 → 2\\)$`,
      ),
    );
    // Whichever phases a poll caught, they appear in protocol order and end in done.
    const shown = phasesShown(run.stdout);
    expect(shown.at(-1)).toBe('done');
    expect(shown).toEqual(PHASES.filter((p) => shown.includes(p)));
    expect(lines.at(-1)).toMatch(
      /phase=done phases=5\/5 producers_acknowledged=2\/2 groups_drained=1\/1 records_swept=0 id=\S+ /,
    );
    expect(lines.at(-1)).toMatch(
      /phase_times="prepare \d+\.\ds, switch-producers \d+\.\ds, fence \d+\.\ds, drain-consumers \d+\.\ds, complete \d+\.\ds" elapsed=\d+\.\ds$/,
    );
  });

  it('status --json is the settled shuffle; list and audit tail tell its phases', async () => {
    const status = JSON.parse(await sh.ok(['shuffle', 'status', topic, '--json'])) as Migration;
    expect(status).toMatchObject({
      topic,
      phase: 'done',
      source: { clusterId: 'alpha', physicalTopic: topic },
      target: { clusterId: 'beta', physicalTopic: topic },
      groupsDrained: [group],
      sweep: { records: 0 },
      startedBy: 'sre',
    });
    expect(status.history.map((h) => h.phase)).toEqual(PHASES);
    expect(status.producersAcknowledged).toHaveLength(2);

    const human = await sh.ok(['shuffle', 'status', topic, status.id]);
    expect(human).toMatch(new RegExp(`^shuffle ${escaped(topic)}  phase done  \\d+\\.\\ds\\n`));
    expect(human).toMatch(/\n {2}phases +█+ +5\/5 +100%\n/);
    expect(human).toMatch(/\nPHASE +ENTERED +TOOK\nprepare +\S+Z +\d+\.\ds\n/);
    expect((await sh.ok(['shuffle', 'list', topic])).split('\n')[1]).toMatch(
      new RegExp(
        `^${escaped(status.id)}\\s+done\\s+alpha/${escaped(topic)}\\s+beta/${escaped(topic)}\\s+1→2\\s+0\\s+sre\\s`,
      ),
    );

    const audit = (await sh.ok(['audit', 'tail', '--kind', 'topic', '--entity', topic, '--limit', '100']))
      .trimEnd()
      .split('\n');
    expect(auditedPhases(audit, status.id)).toEqual(PHASES);
    expect(audit.find((l) => l.endsWith(`shuffle ${status.id} → prepare`))).toMatch(
      /\ssre\s+update\s+topic\s/,
    );
    expect(audit.find((l) => l.endsWith(`shuffle ${status.id} → done`))).toMatch(
      /\sorchestrator\s+update\s+topic\s/,
    );
    await until('traffic on beta', () => tally.seen.some((s) => s.cluster === 'beta'));
  });

  it('refuses an unknown target (exit 7); a shuffle aborted while held in prepare ends a follow with 8', async () => {
    const nosuch = await sh.run(['shuffle', 'start', topic, '--to', 'nosuch']);
    expect([nosuch.code, nosuch.stdout]).toEqual([7, '']);
    expect(nosuch.stderr).toMatch(/^error: HTTP 400 INVALID_ARGUMENT: cluster "nosuch" does not exist\n/);
    const typo = await sh.run(['shuffle', 'start', topic, '--to', 'alpha', '--hold-at', 'fense']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^error: --hold-at: unknown phase "fense" \(phases: prepare, /);

    const held = JSON.parse(
      await sh.ok(['shuffle', 'start', topic, '--to', 'alpha', '--hold-at', 'prepare', '--json']),
    ) as Migration;
    expect(held).toMatchObject({ phase: 'prepare', holdAt: ['prepare'] });
    await fx.waitFor(held.id, 'prepare', { held: true });
    expect(await sh.ok(['shuffle', 'abort', topic, held.id])).toBe(
      `shuffle ${held.id} of ${topic} aborted; the topic stays on beta\n`,
    );
    const followed = await sh.run(['shuffle', 'status', topic, held.id, '--follow']);
    expect(followed.code).toBe(8);
    expect(followed.stdout).toMatch(/phase=aborted phases=0\/5 /);
    expect(followed.stderr).toBe(`error: shuffle ${held.id} of ${topic} ended aborted\n`);
  });

  it('mid-shuffle: a second start and an abort after producers moved exit 4; resume finishes it', async () => {
    const back = JSON.parse(
      await sh.ok(['shuffle', 'start', topic, '--to', 'alpha', '--hold-at', 'fence', '--json']),
    ) as Migration;
    // alpha still holds the first era under the old name: the way back gets a fresh name.
    expect(back.target).toEqual({ clusterId: 'alpha', physicalTopic: `${topic}.e${back.epochTo}` });
    await fx.waitFor(back.id, 'fence', { held: true });
    const status = await sh.ok(['shuffle', 'status', topic]);
    expect(status).toMatch(/ phase fence \(held\) /);
    expect(status).toMatch(/\n {2}held: +before fence: resume to go on\n/);

    const second = await sh.run(['shuffle', 'start', topic, '--to', 'beta']);
    expect([second.code, second.stdout]).toEqual([4, '']);
    expect(second.stderr).toBe(
      `error: HTTP 409 CONFLICT: topic "${topic}" is already being shuffled (${back.id})\n`,
    );
    const abort = await sh.run(['shuffle', 'abort', topic, back.id]);
    expect([abort.code, abort.stdout]).toEqual([4, '']);
    expect(abort.stderr).toMatch(
      /^error: HTTP 409 CONFLICT: shuffle \S+ is in phase "fence": producers may have moved, so it can no longer be aborted/,
    );

    expect(await sh.ok(['shuffle', 'resume', topic, back.id])).toBe(
      `shuffle ${back.id} of ${topic} resumed at phase fence\n`,
    );
    const run = await sh.run(['shuffle', 'status', topic, '--follow', '--follow-timeout-ms', '120000']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(phasesShown(run.stdout).at(-1)).toBe('done');
    handledWhenBack = tally.seen.length;
  });

  it('the app lost and duplicated nothing across both shuffles, and kept per-key order', async () => {
    await until('traffic on alpha again', () =>
      tally.seen.slice(handledWhenBack).some((s) => s.cluster === 'alpha'),
    );
    for (const load of loads) await load.stop();
    const total = loads.reduce((n, l) => n + l.acked.size, 0);
    await until('everything consumed', () => verdict(loads, tally).lost === 0, 60_000).catch(
      () => undefined, // the assertion below reports what is missing
    );
    expect(verdict(loads, tally)).toEqual({
      produced: total,
      consumed: total,
      lost: 0,
      duplicated: 0,
      orderViolations: 0,
    });
    expect(loads.flatMap((l) => l.failures)).toEqual([]);
    expect(total).toBeGreaterThan(200);
    console.log(`fleet shuffle e2e: ${total} records, 0 lost, 0 duplicated`);
  });
});
