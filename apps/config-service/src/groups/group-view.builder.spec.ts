import type { GroupReport } from '@kafka-fleet/contracts';
import { buildGroupView, groupMembers, summariseGroups } from './group-view.builder';

const report = (over: Partial<GroupReport> = {}): GroupReport => ({
  state: 'stable',
  backend: 'rdkafka',
  staticMembership: true,
  assignment: [],
  rebalancesLastMinute: 1,
  rebalancesTotal: 1,
  secondsWithoutAssignment: 0,
  storm: false,
  ...over,
});

const a = {
  instanceId: 'pod-a',
  app: 'billing',
  host: 'h1',
  groupStates: {
    g1: report({
      assignment: [{ topic: 'orders', clusterId: 'alpha', physicalTopic: 'orders.v1', partition: 0 }],
    }),
  },
};
const b = {
  instanceId: 'pod-b',
  app: 'billing',
  host: 'h2',
  groupStates: {
    g1: report({ storm: true, rebalancesLastMinute: 7, state: 'rebalancing', backend: 'kafkajs' }),
    g2: report(),
  },
};

describe('group views', () => {
  it('lists members of one group only, by instance id', () => {
    expect(groupMembers('g1', [b, a]).map((m) => m.instanceId)).toEqual(['pod-a', 'pod-b']);
    expect(groupMembers('g2', [a, b]).map((m) => m.instanceId)).toEqual(['pod-b']);
  });

  it('computes lag per partition, owners from reported assignments, and totals', () => {
    const view = buildGroupView('g1', true, groupMembers('g1', [a, b]), [
      {
        topic: 'orders',
        clusterId: 'alpha',
        physicalTopic: 'orders.v1',
        end: { '0': '100', '1': '40' },
        committed: { '0': '90' },
      },
    ]);
    expect(view.partitions).toEqual([
      {
        topic: 'orders',
        clusterId: 'alpha',
        physicalTopic: 'orders.v1',
        partition: 0,
        committed: '90',
        end: '100',
        lag: 10,
        owner: 'pod-a',
      },
      {
        topic: 'orders',
        clusterId: 'alpha',
        physicalTopic: 'orders.v1',
        partition: 1,
        committed: null,
        end: '40',
        lag: 40,
      },
    ]);
    expect(view).toMatchObject({
      id: 'g1',
      paused: true,
      totalLag: 50,
      rebalancesLastMinute: 8,
      storm: true,
    });
  });

  it('summarises groups from heartbeats and stored controls', () => {
    expect(summariseGroups([a, b], new Set(['g3']), ['g3'])).toEqual([
      {
        id: 'g1',
        paused: false,
        memberCount: 2,
        states: ['rebalancing', 'stable'],
        rebalancesLastMinute: 8,
        storm: true,
        heldPartitions: 0,
        backends: ['kafkajs', 'rdkafka'],
      },
      {
        id: 'g2',
        paused: false,
        memberCount: 1,
        states: ['stable'],
        rebalancesLastMinute: 1,
        storm: false,
        heldPartitions: 0,
        backends: ['rdkafka'],
      },
      {
        id: 'g3',
        paused: true,
        memberCount: 0,
        states: [],
        rebalancesLastMinute: 0,
        storm: false,
        heldPartitions: 0,
        backends: [],
      },
    ]);
  });
});
