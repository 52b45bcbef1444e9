import type { App, Cluster, Topic } from '@kafka-fleet/contracts';
import { NotFoundError } from '../errors/fleet-errors';
import { planReplay } from './change-replay';
import { buildSnapshot, resolveTopic } from './snapshot-builder';

const stored = { version: 1, createdAt: 't', updatedAt: 't' };
const cluster = (id: string): Cluster => ({
  id,
  bootstrapServers: [`${id}:9092`],
  region: 'r',
  environment: 'dev',
  status: 'active',
  tags: {},
  capacity: {},
  security: { protocol: 'PLAINTEXT' },
  ...stored,
});
const topic = (name: string, clusterId: string, epoch = 1): Topic => ({
  name,
  owner: 'o',
  partitions: 6,
  replicationFactor: 3,
  configs: {},
  placement: { clusterId, physicalTopic: `${name}.v${epoch}` },
  epoch,
  state: 'stable',
  ...stored,
});
const app: App = {
  id: 'payments-api',
  owner: 'o',
  backend: 'kafkajs',
  topics: {
    'b.topic': { produce: true, consume: false, backend: 'rdkafka' },
    'a.topic': { produce: false, consume: true },
    'gone.topic': { produce: true, consume: true },
  },
  configOverrides: { lingerMs: 5 },
  ...stored,
};

describe('resolution', () => {
  it('resolves a topic to its cluster, physical name and epoch', () => {
    expect(resolveTopic(topic('t', 'alpha', 3), cluster('alpha'))).toEqual({
      topic: 't',
      clusterId: 'alpha',
      physicalTopic: 't.v3',
      bootstrapServers: ['alpha:9092'],
      epoch: 3,
      partitions: 6,
      state: 'stable',
    });
  });

  it('refuses a topic whose cluster is missing', () => {
    expect(() => resolveTopic(topic('t', 'nowhere'), undefined)).toThrow(NotFoundError);
  });

  it('builds a sorted snapshot with per-topic backends, skipping topics that do not exist', () => {
    const topics = new Map([
      ['a.topic', topic('a.topic', 'alpha')],
      ['b.topic', topic('b.topic', 'beta', 2)],
    ]);
    const clusters = new Map([
      ['alpha', cluster('alpha')],
      ['beta', cluster('beta')],
      ['unused', cluster('unused')],
    ]);
    const snapshot = buildSnapshot(42, app, topics, clusters);
    expect(snapshot.version).toBe(42);
    expect(snapshot.topics.map((t) => [t.topic, t.backend, t.produce, t.consume, t.epoch])).toEqual([
      ['a.topic', 'kafkajs', false, true, 1],
      ['b.topic', 'rdkafka', true, false, 2],
    ]);
    expect(snapshot.clusters.map((c) => c.id)).toEqual(['alpha', 'beta']);
    expect(snapshot.configOverrides).toEqual({ lingerMs: 5 });
  });
});

describe('planReplay', () => {
  it('replays when every change after `since` is retained', () => {
    expect(planReplay(10, 5, 20)).toEqual({ kind: 'replay', after: 10 });
    expect(planReplay(10, 11, 20)).toEqual({ kind: 'replay', after: 10 });
    expect(planReplay(20, undefined, 20)).toEqual({ kind: 'replay', after: 20 });
  });
  it('asks for a resync when changes were trimmed or the client is ahead', () => {
    expect(planReplay(10, 12, 20).kind).toBe('resync');
    expect(planReplay(10, undefined, 20).kind).toBe('resync');
    expect(planReplay(30, 1, 20).kind).toBe('resync');
  });
});
