import type { KafkaClusterSpec } from '../../tools/stack/stack-definition';

/** Request bodies registering the stack's real clusters under their stack names. */
export const clusterBody = (cluster: KafkaClusterSpec, extra: Record<string, unknown> = {}) => ({
  id: cluster.name,
  bootstrapServers: [...cluster.bootstrapServers],
  region: 'local',
  environment: 'dev',
  ...extra,
});

/** Kafka-legal, unique per call, so reruns never collide with physical topics left on the stack. */
export const topicName = (label: string) => `e2e.${label}.${process.pid}.${Date.now().toString(36)}`;
