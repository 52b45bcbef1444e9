import type { Migration, MigrationPhaseName } from '@kafka-fleet/contracts';
import { createFleetClient, type FleetClient, type FleetClientOptions } from '@kafka-fleet/client';
import { adminFor, twoClusters } from '../../support/stack-harness';
import { clusterBody, topicName } from '../../config-service/fixtures';
import {
  APP_ID,
  OTHER_APP_ID,
  client,
  ConfigServiceHarness,
  type ServiceUnderTest,
} from '../../config-service/support/config-service-harness';
import { until } from '../../client/fleet-fixture';
import { ConsumerTally } from './traffic';

export { until };
export const KAFKAJS_APP = APP_ID;
export const RDKAFKA_APP = OTHER_APP_ID;

/**
 * A real config service on real Redis, both real clusters, one logical topic on alpha, and two
 * applications allowed to produce and consume it: one on KafkaJS, one on node-rdkafka.
 */
export class ShuffleFixture {
  readonly harness: ConfigServiceHarness;
  service!: ServiceUnderTest;
  readonly topic = topicName('shuffle');
  readonly clusters = twoClusters();
  private readonly clients: FleetClient[] = [];

  constructor(db: number, env: Record<string, string> = {}) {
    this.harness = new ConfigServiceHarness(db, {
      KF_WATCH_KEEPALIVE_MS: '1000',
      KF_MIGRATION_LOCK_MS: '2000',
      KF_LOG_LEVEL: process.env.KF_TEST_SERVICE_LOG ?? 'error',
      ...env,
    });
  }

  sre() {
    return client(this.service.url, this.harness.tokens.operator);
  }

  async setUp(partitions = 6): Promise<void> {
    await this.harness.flush();
    await this.startService();
    const sre = this.sre();
    for (const c of this.clusters) expectOk(await sre('POST', '/v1/clusters', clusterBody(c)));
    expectOk(
      await sre('POST', '/v1/topics', {
        name: this.topic,
        owner: 'payments',
        partitions,
        clusterId: 'alpha',
      }),
    );
    for (const [id, backend] of [
      [KAFKAJS_APP, 'kafkajs'],
      [RDKAFKA_APP, 'rdkafka'],
    ] as const)
      expectOk(
        await sre('POST', '/v1/apps', {
          id,
          owner: 'payments',
          backend,
          topics: { [this.topic]: { produce: true, consume: true } },
        }),
      );
  }

  async startService(): Promise<void> {
    this.service = await this.harness.start({
      KF_PORT: String(this.service ? new URL(this.service.url).port : 0),
    });
  }

  /** Stops the service the way a rolling restart or a crash-restart does, then starts a new one. */
  async restartService(): Promise<void> {
    await this.service.app.close();
    await this.startService();
  }

  async fleet(
    app: typeof KAFKAJS_APP | typeof RDKAFKA_APP,
    extra: Partial<FleetClientOptions> = {},
  ): Promise<FleetClient> {
    const fleet = createFleetClient({
      serviceUrl: this.service.url,
      appId: app,
      token: app === KAFKAJS_APP ? this.harness.tokens.app : this.harness.tokens.otherApp,
      pollIntervalMs: 1000,
      heartbeatIntervalMs: 1000,
      leaseMs: 5000,
      ...(process.env.KF_TEST_CLIENT_LOG ? { logger: stderrLogger(app) } : {}),
      ...extra,
    });
    this.clients.push(fleet);
    await fleet.connect();
    return fleet;
  }

  /**
   * One consumer group per backend (`<topic>.<app>`, from the beginning), each in a client of its
   * own, with what it handled.
   */
  async groupOnEachBackend(): Promise<
    Array<{ app: typeof KAFKAJS_APP | typeof RDKAFKA_APP; tally: ConsumerTally }>
  > {
    return Promise.all(
      ([KAFKAJS_APP, RDKAFKA_APP] as const).map(async (app) => {
        const tally = new ConsumerTally();
        const consumer = (await this.fleet(app)).consumer({
          groupId: `${this.topic}.${app}`,
          fromBeginning: true,
        });
        await consumer.subscribe({ topics: [this.topic] });
        await consumer.run({ eachMessage: tally.handler() });
        return { app, tally };
      }),
    );
  }

  async startShuffle(targetClusterId: string, holdAt: MigrationPhaseName[] = []): Promise<Migration> {
    const res = await this.sre()<Migration>('POST', `/v1/topics/${this.topic}/migrations`, {
      targetClusterId,
      holdAt,
    });
    if (res.status !== 202) throw new Error(`shuffle refused: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async migration(id: string): Promise<Migration> {
    const res = await this.sre()<Migration>('GET', `/v1/topics/${this.topic}/migrations/${id}`);
    if (res.status !== 200) throw new Error(`status failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async waitFor(
    id: string,
    phase: MigrationPhaseName,
    opts: { held?: boolean; timeoutMs?: number } = {},
  ): Promise<Migration> {
    let last: Migration | undefined;
    await until(
      `shuffle ${id} in ${phase}${opts.held ? ' (held)' : ''}`,
      async () => {
        last = await this.migration(id);
        if (last.phase === 'failed') throw new Error(`shuffle failed: ${last.lastError}`);
        return last.phase === phase && (!opts.held || last.held);
      },
      opts.timeoutMs ?? 30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last seen ${JSON.stringify(last)}`);
    });
    return last as Migration;
  }

  async resume(id: string): Promise<void> {
    expectOk(await this.sre()('POST', `/v1/topics/${this.topic}/migrations/${id}/resume`, {}));
  }

  /** Sum over partitions of a physical topic's end offsets on a cluster. */
  async endOffsets(clusterIndex: 0 | 1, physicalTopic: string): Promise<Record<string, string>> {
    const admin = adminFor(this.clusters[clusterIndex]);
    await admin.connect();
    try {
      return Object.fromEntries(
        (await admin.fetchTopicOffsets(physicalTopic)).map((o) => [String(o.partition), o.high]),
      );
    } finally {
      await admin.disconnect();
    }
  }

  async tearDown(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.disconnect().catch(() => undefined)));
    await this.service.app.close().catch(() => undefined);
  }
}

/** The client's own log on stderr, for reading a failing scenario (`KF_TEST_CLIENT_LOG=1`). */
function stderrLogger(app: string): NonNullable<FleetClientOptions['logger']> {
  const line =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      process.stderr.write(
        `${new Date().toISOString()} ${app} ${level} ${message} ${JSON.stringify(fields ?? {})}\n`,
      );
    };
  return { debug: () => undefined, info: line('info'), warn: line('warn'), error: line('error') };
}

export function expectOk(res: { status: number; body: unknown }): void {
  if (res.status >= 300) throw new Error(`request failed: ${res.status} ${JSON.stringify(res.body)}`);
}

export const sum = (offsets: Record<string, string>): number =>
  Object.values(offsets).reduce((n, o) => n + Number(o), 0);
