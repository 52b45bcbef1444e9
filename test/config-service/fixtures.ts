import type { KafkaClusterSpec } from '../../tools/stack/stack-definition';

/** Request bodies registering the stack's real clusters under their stack names. */
export const clusterBody = (cluster: KafkaClusterSpec, extra: Record<string, unknown> = {}) => ({
  id: cluster.name,
  bootstrapServers: [...cluster.bootstrapServers],
  region: 'local',
  environment: 'dev',
  ...extra,
});

let named = 0;
/**
 * A Kafka-legal topic name no other test uses, in this run or in earlier ones left on the stack.
 * The counter matters: fixtures built at module load share a millisecond, and two describes once
 * got the same physical topic, the second finding it fenced by the first one's shuffle (every
 * send refused with MESSAGE_TOO_LARGE: the zombie test's rare "timed out waiting for traffic").
 */
export const topicName = (label: string) =>
  `e2e.${label}.${process.pid}.${Date.now().toString(36)}-${named++}`;
