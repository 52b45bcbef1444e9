import { createFleetClient, type FleetClient, type FleetClientOptions } from '@kafka-fleet/client';
import { twoClusters } from '../support/stack-harness';
import { clusterBody, topicName } from '../config-service/fixtures';
import {
  APP_ID,
  client,
  ConfigServiceHarness,
  type ServiceUnderTest,
} from '../config-service/support/config-service-harness';

/**
 * A real config service (in process, real Redis), both real clusters registered, one logical topic
 * onboarded on alpha and an app allowed to produce and consume it, plus fleet clients for that app.
 */
export class FleetFixture {
  readonly harness: ConfigServiceHarness;
  service!: ServiceUnderTest;
  readonly topic = topicName('fleet');
  readonly clusters = twoClusters();
  private readonly clients: FleetClient[] = [];

  constructor(
    db: number,
    private readonly backend: 'kafkajs' | 'rdkafka' = 'kafkajs',
  ) {
    this.harness = new ConfigServiceHarness(db, { KF_WATCH_KEEPALIVE_MS: '1000' });
  }

  sre() {
    return client(this.service.url, this.harness.tokens.operator);
  }

  async setUp(port = 0): Promise<void> {
    await this.harness.flush();
    await this.startService(port);
    const sre = this.sre();
    for (const c of this.clusters) await sre('POST', '/v1/clusters', clusterBody(c));
    await sre('POST', '/v1/topics', {
      name: this.topic,
      owner: 'payments',
      partitions: 6,
      clusterId: 'alpha',
    });
    await sre('POST', '/v1/apps', {
      id: APP_ID,
      owner: 'payments',
      backend: this.backend,
      topics: { [this.topic]: { produce: true, consume: true } },
    });
  }

  async startService(port = 0): Promise<void> {
    this.service = await this.harness.start({ KF_PORT: String(port) });
  }

  async fleet(extra: Partial<FleetClientOptions> = {}): Promise<FleetClient> {
    const fleet = createFleetClient({
      serviceUrl: this.service.url,
      appId: APP_ID,
      token: this.harness.tokens.app,
      pollIntervalMs: 1000,
      heartbeatIntervalMs: 1000,
      ...extra,
    });
    this.clients.push(fleet);
    await fleet.connect();
    return fleet;
  }

  async updateApp(change: (app: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
    const current = (await this.sre()<Record<string, unknown>>('GET', `/v1/apps/${APP_ID}`)).body;
    const { createdAt: _c, updatedAt: _u, ...rest } = current;
    const res = await this.sre()('PUT', `/v1/apps/${APP_ID}`, change(rest));
    if (res.status !== 200) throw new Error(`app update failed: ${res.status} ${JSON.stringify(res.body)}`);
  }

  /** Onboards one more logical topic and lets the app produce and consume it. */
  async onboard(
    topic: string,
    where: { partitions: number; clusterId: string; configs?: Record<string, string> },
  ): Promise<void> {
    const made = await this.sre()('POST', '/v1/topics', { name: topic, owner: 'payments', ...where });
    if (made.status !== 201)
      throw new Error(`onboarding failed: ${made.status} ${JSON.stringify(made.body)}`);
    await this.updateApp((app) => ({
      ...app,
      topics: { ...(app.topics as object), [topic]: { produce: true, consume: true } },
    }));
  }

  async moveTopic(clusterId: string): Promise<void> {
    const t = (await this.sre()<{ version: number }>('GET', `/v1/topics/${this.topic}`)).body;
    const res = await this.sre()('PUT', `/v1/topics/${this.topic}/placement`, {
      version: t.version,
      clusterId,
    });
    if (res.status !== 200)
      throw new Error(`placement change failed: ${res.status} ${JSON.stringify(res.body)}`);
  }

  async tearDown(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.disconnect()));
    await this.service.app.close().catch(() => undefined);
  }
}

export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
