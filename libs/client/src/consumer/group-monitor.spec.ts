import { Registry } from 'prom-client';
import { ClientMetrics } from '../metrics/client-metrics';
import { GroupMonitor } from './group-monitor';

const policy = {
  maxRebalancesPerMinute: 2,
  maxUnassignedMs: 5_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 4_000,
};

function setUp(instanceId = 'pod-0') {
  let t = 0;
  const metrics = new ClientMetrics(new Registry());
  const monitor = new GroupMonitor('billing', instanceId, metrics, policy, () => t);
  const storm = async () => (await metrics.rebalanceStorm.get()).values[0]?.value;
  return { monitor, metrics, storm, advance: (ms: number) => (t += ms) };
}

describe('GroupMonitor', () => {
  it('joins at once while calm, and reports a stable member with its assignment', async () => {
    const { monitor, storm, advance } = setUp();
    expect(monitor.joinDelayMs()).toBe(0);
    monitor.joining('rdkafka', true);
    advance(200);
    expect(monitor.report(false, []).state).toBe('rebalancing');
    monitor.assigned(200);
    const assignment = [{ topic: 't', clusterId: 'alpha', physicalTopic: 't.v1', partition: 3 }];
    expect(monitor.report(false, assignment)).toEqual({
      state: 'stable',
      backend: 'rdkafka',
      staticMembership: true,
      assignment,
      rebalancesLastMinute: 1,
      rebalancesTotal: 1,
      secondsWithoutAssignment: 0,
      storm: false,
    });
    expect(monitor.report(true, []).state).toBe('paused');
    expect(await storm()).toBe(0);
  });

  it('backs off joins with growing jittered delays during a storm, and resets once calm', async () => {
    const { monitor, storm, advance } = setUp();
    monitor.joining('kafkajs', false);
    for (let i = 0; i < 3; i++) monitor.assigned(10);
    expect(await storm()).toBe(1);
    const delays = [
      monitor.joinDelayMs(),
      monitor.joinDelayMs(),
      monitor.joinDelayMs(),
      monitor.joinDelayMs(),
    ];
    [1_000, 2_000, 4_000, 4_000].forEach((ceiling, i) => {
      expect(delays[i]).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delays[i]).toBeLessThanOrEqual(ceiling);
    });
    advance(60_000);
    expect(monitor.joinDelayMs()).toBe(0);
    expect(await storm()).toBe(0);
  });

  it('joins at once after its own lane restarts, however many (a shuffle moving its topics)', async () => {
    const { monitor, metrics, storm, advance } = setUp();
    for (let i = 0; i < 5; i++) {
      expect(monitor.joinDelayMs()).toBe(0);
      monitor.joining('kafkajs', false);
      advance(100);
      monitor.assigned(100, true);
    }
    expect(monitor.report(false, [])).toMatchObject({
      rebalancesLastMinute: 5,
      rebalancesTotal: 5,
      storm: false,
    });
    expect((await metrics.rebalances.get()).values[0]?.value).toBe(5);
    expect(await storm()).toBe(0);
  });

  it('counts waiting too long for partitions as a storm', () => {
    const { monitor, advance } = setUp();
    monitor.joining('rdkafka', true);
    advance(5_001);
    expect(monitor.report(false, [])).toMatchObject({
      state: 'rebalancing',
      secondsWithoutAssignment: 5.001,
      storm: true,
    });
    expect(monitor.joinDelayMs()).toBeGreaterThan(0);
  });

  it('jitters differently per instance (members of a group do not rejoin in step)', () => {
    const delaysOf = (id: string) => {
      const { monitor } = setUp(id);
      for (let i = 0; i < 3; i++) monitor.assigned(10);
      return [monitor.joinDelayMs(), monitor.joinDelayMs()];
    };
    expect(delaysOf('pod-0')).toEqual(delaysOf('pod-0'));
    expect(delaysOf('pod-0')).not.toEqual(delaysOf('pod-1'));
  });
});
