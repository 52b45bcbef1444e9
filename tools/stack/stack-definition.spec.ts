import { defineStack, kraftClusterId } from './stack-definition';
import { renderServerProperties } from './server-properties';

const parse = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

describe('stack definition', () => {
  const stack = defineStack({}, '/repo');

  it('has a three-broker and a one-broker cluster on distinct loopback ports', () => {
    expect(stack.clusters.map((c) => c.brokers.length)).toEqual([3, 1]);
    const ports = stack.clusters.flatMap((c) => c.brokers.flatMap((b) => [b.port, b.controllerPort]));
    expect(new Set([...ports, stack.redis.port]).size).toBe(ports.length + 1);
    expect(stack.clusters.every((c) => c.brokers.every((b) => b.host === '127.0.0.1'))).toBe(true);
    expect(stack.redis.port).not.toBe(6379);
  });

  it('moves every port with KF_STACK_PORT_BASE and validates it', () => {
    const moved = defineStack({ KF_STACK_PORT_BASE: '29092', KF_REDIS_PORT: '26379' }, '/repo');
    expect(moved.clusters[0].bootstrapServers[0]).toBe('127.0.0.1:29092');
    expect(moved.redis.port).toBe(26379);
    expect(() => defineStack({ KF_STACK_PORT_BASE: 'ninety' })).toThrow(/KF_STACK_PORT_BASE/);
    expect(() => defineStack({ KF_BROKER_HEAP_MB: '12' })).toThrow(/KF_BROKER_HEAP_MB/);
  });

  it('gives each cluster its own valid KRaft cluster id (16 bytes, base64url)', () => {
    const ids = stack.clusters.map((c) => c.kafkaClusterId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    expect(kraftClusterId('alpha')).toBe(ids[0]);
  });

  it('renders durable settings for the three-broker cluster', () => {
    const alpha = stack.clusters[0];
    const props = parse(renderServerProperties(alpha, alpha.brokers[1]));
    expect(props['node.id']).toBe('2');
    expect(props['controller.quorum.voters']).toBe('1@127.0.0.1:19192,2@127.0.0.1:19193,3@127.0.0.1:19194');
    expect(props['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:19093');
    expect(props['default.replication.factor']).toBe('3');
    expect(props['min.insync.replicas']).toBe('2');
    expect(props['offsets.topic.replication.factor']).toBe('3');
    expect(props['unclean.leader.election.enable']).toBe('false');
    expect(props['auto.create.topics.enable']).toBe('false');
  });

  it('uses replication factor 1 for every internal topic of the single-broker cluster', () => {
    const beta = stack.clusters[1];
    const props = parse(renderServerProperties(beta, beta.brokers[0]));
    for (const key of [
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'share.coordinator.state.topic.replication.factor',
      'min.insync.replicas',
    ]) {
      expect({ key, value: props[key] }).toEqual({ key, value: '1' });
    }
  });
});
