import type { FleetLoadView, RebalancePlanResource, Topic } from '@kafka-fleet/contracts';
import { clusterBody, topicName } from '../../config-service/fixtures';
import { expectOk, KAFKAJS_APP, ShuffleFixture, until } from '../../shuffle/support/shuffle-fixture';

/**
 * The shuffle fixture's service and clusters with a fleet of logical topics instead of one: each
 * cluster registers `maxPartitions` as its capacity, so the partitions placed on it decide its
 * utilisation, and one application may produce and consume every topic.
 */
export class RebalanceFixture extends ShuffleFixture {
  readonly topics: string[] = [];

  async setUpFleet(placement: { alpha: number; beta: number }, partitions: number, maxPartitions: number) {
    await this.harness.flush();
    await this.startService();
    const sre = this.sre();
    for (const c of this.clusters)
      expectOk(await sre('POST', '/v1/clusters', clusterBody(c, { capacity: { maxPartitions } })));
    const base = topicName('rebal');
    const wanted = [
      ...Array.from({ length: placement.alpha }, () => 'alpha'),
      ...Array.from({ length: placement.beta }, () => 'beta'),
    ];
    for (const [i, clusterId] of wanted.entries()) {
      const name = `${base}.t${String(i).padStart(2, '0')}`;
      expectOk(await sre('POST', '/v1/topics', { name, owner: 'payments', partitions, clusterId }));
      this.topics.push(name);
    }
    expectOk(
      await sre('POST', '/v1/apps', {
        id: KAFKAJS_APP,
        owner: 'payments',
        backend: 'kafkajs',
        topics: Object.fromEntries(this.topics.map((t) => [t, { produce: true, consume: true }])),
      }),
    );
  }

  async load(): Promise<FleetLoadView> {
    const res = await this.sre()<FleetLoadView>('GET', '/v1/load');
    expectOk(res);
    return res.body;
  }

  async topicEntity(name: string): Promise<Topic> {
    const res = await this.sre()<Topic>('GET', `/v1/topics/${name}`);
    expectOk(res);
    return res.body;
  }

  async propose(body: unknown): Promise<RebalancePlanResource> {
    const res = await this.sre()<RebalancePlanResource>('POST', '/v1/rebalance/plans', body);
    if (res.status !== 201) throw new Error(`plan refused: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async plan(id: string): Promise<RebalancePlanResource> {
    const res = await this.sre()<RebalancePlanResource>('GET', `/v1/rebalance/plans/${id}`);
    expectOk(res);
    return res.body;
  }

  act(id: string, action: 'approve' | 'execute' | 'pause' | 'resume' | 'cancel') {
    return this.sre()<RebalancePlanResource>('POST', `/v1/rebalance/plans/${id}/${action}`, {});
  }

  /** Waits for a plan to reach `status`, calling `watch` with every state seen on the way. */
  async waitForPlan(
    id: string,
    status: RebalancePlanResource['status'],
    watch: (p: RebalancePlanResource) => void = () => undefined,
    timeoutMs = 90_000,
  ): Promise<RebalancePlanResource> {
    let last: RebalancePlanResource | undefined;
    await until(
      `plan ${id} ${status}`,
      async () => {
        last = await this.plan(id).catch(() => last); // tolerate the service restarting
        if (last) watch(last);
        return last?.status === status;
      },
      timeoutMs,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last seen ${JSON.stringify(last?.moves)}`);
    });
    return last as RebalancePlanResource;
  }
}
